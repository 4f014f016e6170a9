import { type FileHandle, open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/** Event time moves forward by this much on each pass over the file (a non-leap year). */
const PASS_SHIFT_MS = 365 * 86_400_000;
const TS = /"ts":(?:"([^"]*)"|(\d+))/;

/** Event time (epoch ms) of a usage.v1 line, whether `ts` is RFC 3339 text or epoch milliseconds; NaN without one. */
export function eventTimeOf(line: string): number {
  const m = TS.exec(line);
  if (!m) return Number.NaN;
  return m[1] === undefined ? Number(m[2]) : Date.parse(m[1]);
}

/**
 * Hands out lines of a JSONL file (ending with a newline) in batches, starting over at the end. Each pass after the
 * first rewrites the event id and moves event time forward by `pass` × 365 days (both `ts` forms: the simulator
 * writes some as RFC 3339 text, some as epoch milliseconds), so repeated events stay unique and in time order.
 */
export class CyclingLineReader {
  private file: FileHandle | null = null;
  private lines: string[] = [];
  private next = 0;
  private rest = '';
  private pass: number;
  private linesThisPass = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly chunk = Buffer.alloc(8 << 20);

  /** `firstPass` > 0 rewrites from the start, so separate readers of one file never repeat an event id. */
  constructor(
    private readonly path: string,
    firstPass = 0,
  ) {
    this.pass = firstPass;
  }

  async take(count: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < count) {
      if (this.next >= this.lines.length) await this.fill();
      const end = Math.min(this.lines.length, this.next + count - out.length);
      for (let i = this.next; i < end; i++) out.push(this.rewrite(this.lines[i]!));
      this.next = end;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.file?.close();
    this.file = null;
  }

  private rewrite(line: string): string {
    if (this.pass === 0) return line;
    const shifted = eventTimeOf(line) + this.pass * PASS_SHIFT_MS;
    return line
      .replace('"event_id":"', `"event_id":"p${this.pass}-`)
      .replace(TS, (_, text: string | undefined) =>
        text === undefined ? `"ts":${shifted}` : `"ts":"${new Date(shifted).toISOString()}"`,
      );
  }

  /** Loads the next chunk's complete lines; at the end of the file starts the next pass. */
  private async fill(): Promise<void> {
    for (;;) {
      this.file ??= await open(this.path, 'r');
      const { bytesRead } = await this.file.read(this.chunk, 0, this.chunk.length, null);
      if (bytesRead === 0) {
        if (this.linesThisPass === 0) throw new Error(`${this.path} holds no lines`);
        await this.close();
        this.pass++;
        this.linesThisPass = 0;
        this.rest = '';
        continue;
      }
      const parts = (this.rest + this.decoder.write(this.chunk.subarray(0, bytesRead))).split('\n');
      this.rest = parts.pop() ?? '';
      this.lines = parts.filter(Boolean);
      this.next = 0;
      this.linesThisPass += this.lines.length;
      if (this.lines.length > 0) return;
    }
  }
}
