import { z } from 'zod';
import { JsonArrayScanner } from './json-array-scanner.ts';

/** The rule: only the first 10,000 conversations may feed the simulator, training and tuning. */
export const MAX_CONVERSATIONS = 10_000;

const conversationSchema = z.object({
  id: z.string(),
  conversations: z.array(z.object({ from: z.string(), value: z.string() })),
});

/** One human turn: conversation index in file order, turn index within the conversation, text. */
export const humanTurnSchema = z.object({
  conv: z.int().min(0),
  turn: z.int().min(0),
  text: z.string().min(1),
});
export type HumanTurn = z.infer<typeof humanTurnSchema>;

export interface ExtractCounts {
  conversations: number;
  humanTurns: number;
  /** Conversations that did not match the expected shape (counted, named in the summary, not used). */
  malformed: number;
  emptyTurns: number;
  /** Whether reading stopped at the conversation limit, at a cut mid-object, or at a clean end of the array. */
  stoppedBy: 'limit' | 'cut' | 'end';
}

const HUMAN_ROLES = new Set(['human', 'user']);

/** Streams ShareGPT conversations from text chunks and yields the human turns of the first `limit` of them. */
export async function* humanTurns(
  chunks: AsyncIterable<string>,
  counts: ExtractCounts,
  limit = MAX_CONVERSATIONS,
): AsyncGenerator<HumanTurn> {
  const scanner = new JsonArrayScanner();
  for await (const chunk of chunks) {
    for (const value of scanner.push(chunk)) {
      const conv = counts.conversations++;
      yield* turnsOf(value, conv, counts);
      if (counts.conversations >= limit) {
        counts.stoppedBy = 'limit';
        return;
      }
    }
    if (scanner.closed) break;
  }
  counts.stoppedBy = scanner.closed ? 'end' : 'cut';
}

function* turnsOf(value: unknown, conv: number, counts: ExtractCounts): Generator<HumanTurn> {
  const parsed = conversationSchema.safeParse(value);
  if (!parsed.success) {
    counts.malformed += 1;
    return;
  }
  for (const [turn, message] of parsed.data.conversations.entries()) {
    if (!HUMAN_ROLES.has(message.from)) continue;
    const text = message.value.trim();
    if (text.length === 0) {
      counts.emptyTurns += 1;
      continue;
    }
    counts.humanTurns += 1;
    yield { conv, turn, text };
  }
}

export function emptyCounts(): ExtractCounts {
  return { conversations: 0, humanTurns: 0, malformed: 0, emptyTurns: 0, stoppedBy: 'end' };
}
