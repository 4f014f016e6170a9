/**
 * Finds which of several groups of literal phrases occur in a text, case-insensitively, in one pass over the text
 * (Aho-Corasick compiled into a table of transitions). It answers exactly what a case-insensitive JavaScript regular
 * expression without the `u` flag answers for the alternation of the same phrases (`/a|b|c/i`), which it replaced on
 * the detector's hot path: there V8 tries the alternatives at each position of the text, here each character costs
 * two table reads.
 */

/**
 * The regular expression's case folding without `u` (ECMAScript's Canonicalize) of one UTF-16 code unit. Each matcher
 * keeps its result per code unit (`symbolOfUnit`), so it runs once per distinct unit, not per character.
 */
function canonicalize(unit: number): number {
  const upper = String.fromCharCode(unit).toUpperCase();
  return upper.length !== 1 || (unit >= 128 && upper.charCodeAt(0) < 128) ? unit : upper.charCodeAt(0);
}

export interface PhraseMatcher {
  /**
   * Bit i set when a phrase of group i occurs in `text[from, to)` (a match never spans out of the range). Stops
   * early once every group has been found.
   */
  groupsIn(text: string, from: number, to: number): number;
}

/** At most this many groups: their bits must fit a small integer. */
const MAX_GROUPS = 30;

/**
 * Compiles the matcher for `groups` (each a list of phrases; an empty phrase is refused, since the regular expression
 * would match it everywhere).
 */
export function compilePhraseMatcher(groups: readonly (readonly string[])[]): PhraseMatcher {
  if (groups.length > MAX_GROUPS) throw new Error(`at most ${MAX_GROUPS} phrase groups`);
  // Symbols: every folded code unit that occurs in a phrase gets an index from 1; 0 stands for all others.
  const symbolOf = new Map<number, number>();
  const phrases = groups.flatMap((phrases, group) =>
    phrases.map((phrase) => {
      if (phrase.length === 0) throw new Error('empty phrase');
      const units = Array.from({ length: phrase.length }, (_, i) => canonicalize(phrase.charCodeAt(i)));
      for (const u of units) if (!symbolOf.has(u)) symbolOf.set(u, symbolOf.size + 1);
      return { symbols: units.map((u) => symbolOf.get(u)!), bit: 1 << group };
    }),
  );
  const width = symbolOf.size + 1;
  // The trie: children by symbol (0 = none yet), the groups ending at each node.
  const children: number[][] = [new Array(width).fill(0)];
  const output: number[] = [0];
  for (const { symbols, bit } of phrases) {
    let node = 0;
    for (const s of symbols) {
      if (children[node]![s] === 0) {
        children[node]![s] = children.length;
        children.push(new Array(width).fill(0));
        output.push(0);
      }
      node = children[node]![s]!;
    }
    output[node]! |= bit;
  }
  // Breadth first: each node's missing transitions follow its failure link, and its output includes the link's.
  const next = new Int32Array(children.length * width);
  const fail = new Int32Array(children.length);
  const queue: number[] = [];
  for (let s = 1; s < width; s++) {
    const child = children[0]![s]!;
    next[s] = child;
    if (child !== 0) queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    output[node]! |= output[fail[node]!]!;
    for (let s = 1; s < width; s++) {
      const child = children[node]![s]!;
      const viaFail = next[fail[node]! * width + s]!;
      if (child === 0) next[node * width + s] = viaFail;
      else {
        next[node * width + s] = child;
        fail[child] = viaFail;
        queue.push(child);
      }
    }
  }
  // The scan's table: each entry is the next state's row offset (state × width), negated when that state ends a
  // phrase, so a character costs one read here and the outputs are read only on a hit.
  const table = new Int32Array(next.length);
  for (let i = 0; i < next.length; i++) table[i] = output[next[i]!] ? -next[i]! * width : next[i]! * width;
  /** Symbol of each code unit of a text, before folding; -1 until the unit is first seen. */
  const symbolOfUnit = new Int32Array(0x10000).fill(-1);
  const all = (1 << groups.length) - 1;
  return {
    groupsIn(text, from, to) {
      let row = 0;
      let found = 0;
      for (let i = from; i < to; i++) {
        const unit = text.charCodeAt(i);
        let symbol = symbolOfUnit[unit]!;
        if (symbol < 0) {
          symbol = symbolOf.get(canonicalize(unit)) ?? 0;
          symbolOfUnit[unit] = symbol;
        }
        if (symbol === 0) {
          row = 0;
          continue;
        }
        row = table[row + symbol]!;
        if (row < 0) {
          row = -row;
          found |= output[row / width]!;
          if (found === all) break;
        }
      }
      return found;
    },
  };
}
