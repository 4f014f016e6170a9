/**
 * Gives `target` a `reasons` property worked out on first read and then kept. Scoring runs once per key per minute,
 * but reasons are read only when an alert is raised, so the costly ones (the classifier's occlusion: one pass of the
 * network per input) are not computed for the snapshots that raise nothing. `explain` must capture copies of any
 * buffer it reads that is reused between calls.
 */
export function withLazyReasons<T extends object, R>(target: T, explain: () => R): T & { readonly reasons: R } {
  let cached: { value: R } | null = null;
  return Object.defineProperty(target, 'reasons', {
    get: () => {
      cached ??= { value: explain() };
      return cached.value;
    },
    enumerable: true,
  }) as T & { readonly reasons: R };
}
