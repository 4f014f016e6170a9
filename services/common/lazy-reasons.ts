/**
 * A score whose `reasons` are worked out on first read and then kept. Scoring runs once per key per minute, but
 * reasons are read only when an alert is raised, so the costly ones (the classifier's occlusion: one pass of the
 * network per input) are not computed for the snapshots that raise nothing. A subclass keeps what `explain` needs in
 * fields (its own copies of any buffer reused between calls): a snapshot that raises nothing costs one small object
 * of a fixed shape, with no closure and no property defined on it at run time (`Object.defineProperty` on each result
 * was 2% of the detector's CPU).
 */
export abstract class LazyReasons<R> {
  #explained = false;
  #reasons: R | undefined;

  get reasons(): R {
    if (!this.#explained) {
      this.#reasons = this.explain();
      this.#explained = true;
    }
    return this.#reasons as R;
  }

  protected abstract explain(): R;
}
