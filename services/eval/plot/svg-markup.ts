/** Text and attribute values as XML character data: `&`, `<`, `>` and quotes escaped. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

export type Attrs = Readonly<Record<string, string | number | undefined>>;

/** A number as an SVG coordinate: at most one decimal, no trailing zeros. */
export const coord = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * One SVG element as markup, like the UI's `svg(tag, attrs, text)` in services/api/ui/chart.js but as a string:
 * `children` is escaped text when a string, nested markup when an array; undefined attributes are left out.
 */
export function el(tag: string, attrs: Attrs, children?: string | readonly string[]): string {
  const list = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? coord(v) : String(v))}"`)
    .join('');
  if (children === undefined) return `<${tag}${list}/>`;
  const body = typeof children === 'string' ? escapeXml(children) : children.join('\n');
  return `<${tag}${list}>${body}</${tag}>`;
}
