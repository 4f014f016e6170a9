/** First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection): = + - @ tab CR. */
const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r']);

type State = 'fieldStart' | 'bare' | 'quotedStart' | 'quoted' | 'quoteInQuoted';

/**
 * A stateful filter over ClickHouse CSV text (strings and dates double-quoted with `""` inside; numbers and `\N`
 * bare) that puts an apostrophe before a quoted cell's text when it starts like a formula, so a prompt such as
 * `=HYPERLINK(...)` opens as text. Bare cells are numbers and stay as they are. Accepts the text in any pieces
 * (a quoted cell may span lines and pieces).
 */
export function csvFormulaGuard(): (text: string) => string {
  let state: State = 'fieldStart';
  return (text) => {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i] as string;
      if (state === 'quoted') {
        const close = text.indexOf('"', i);
        const end = close < 0 ? text.length : close + 1;
        out += text.slice(i, end);
        if (close >= 0) state = 'quoteInQuoted';
        i = end;
      } else if (state === 'quoteInQuoted') {
        // `""` is an escaped quote inside the cell; anything else follows the closing quote.
        state = ch === '"' ? 'quoted' : 'bare';
        if (ch === '"') {
          out += ch;
          i += 1;
        }
      } else if (state === 'quotedStart') {
        if (FORMULA_STARTS.has(ch)) out += "'";
        state = 'quoted';
      } else if (state === 'fieldStart' && ch === '"') {
        out += ch;
        state = 'quotedStart';
        i += 1;
      } else {
        out += ch;
        state = ch === ',' || ch === '\n' ? 'fieldStart' : 'bare';
        i += 1;
      }
    }
    return out;
  };
}
