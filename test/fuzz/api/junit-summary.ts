/** Per-operation results of one schemathesis run, read from its JUnit report. */
export interface OperationResult {
  operation: string;
  passed: boolean;
  /** First lines of the failure message, when it failed. */
  detail: string;
}

const TESTCASE = /<testcase\s+name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g;
const PROBLEM = /<(failure|error)\b[^>]*?(?:message="([^"]*)")?[^>]*>([\s\S]*?)<\/\1>|<(failure|error)\b[^>]*\/>/;

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#10;/g, '\n')
    .replace(/&amp;/g, '&');

export function parseJunit(xml: string): OperationResult[] {
  return [...xml.matchAll(TESTCASE)].map(([, name = '', body = '']) => {
    const problem = PROBLEM.exec(body);
    const text = problem ? unescapeXml(`${problem[2] ?? ''}\n${problem[3] ?? ''}`).trim() : '';
    return {
      operation: unescapeXml(name),
      passed: !problem,
      detail: text.split('\n').slice(0, 16).join('\n'),
    };
  });
}
