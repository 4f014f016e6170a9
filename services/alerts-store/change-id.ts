/** Audit row id that sorts by the alert version it produced, so history stays ordered when clocks tie. */
export function changeId(version: number, suffix: string): string {
  return `v${String(version).padStart(10, '0')}-${suffix}`;
}
