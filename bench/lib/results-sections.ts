import { type KeptSection, sectionAnchor } from './report.ts';

const HEADING = /^## (.+) \(`bench\/([A-Za-z0-9_-]+)\.ts`\)$/;

/** The `## ` headings' line numbers: where each section starts, and where the one before it ends. */
function headingLines(lines: readonly string[]): number[] {
  return lines.flatMap((line, i) => (line.startsWith('## ') ? [i] : []));
}

function withoutTrailingBlanks(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}

/** The summary row linking to a section; a file edited by hand may lack it, and the section still needs a row. */
function summaryRowOf(lines: readonly string[], title: string, name: string): string {
  const anchor = sectionAnchor(title, name);
  const row = lines.find((line) => line.startsWith('| [') && line.includes(`](#${anchor})`));
  return row ?? `| [${title}](#${anchor}) | see its section |`;
}

/**
 * Every scenario section of a RESULTS.md by scenario name, verbatim, with its summary row: what a run that does not
 * repeat a scenario (`--only`) keeps. Text before the first section (header, summary) is not a section.
 */
export function readSections(markdown: string): Map<string, KeptSection> {
  const lines = markdown.split('\n');
  const starts = headingLines(lines);
  const sections = new Map<string, KeptSection>();
  for (const [k, start] of starts.entries()) {
    const match = HEADING.exec(lines[start]!);
    if (!match) continue;
    const [, title, name] = match as unknown as [string, string, string];
    const body = withoutTrailingBlanks(lines.slice(start, starts[k + 1] ?? lines.length));
    sections.set(name, { name, summaryRow: summaryRowOf(lines, title, name), lines: [...body, ''] });
  }
  return sections;
}
