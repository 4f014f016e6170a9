import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { StatefulProcessor } from '../../services/stream-service/stateful-sink.ts';

/**
 * A processor whose state is the number of events it folded. A full state is two pages, the count (padded so it
 * outweighs the deltas over it, as a real one does) and `end`; a delta is one page, `+n` since the previous
 * checkpoint. Every 3rd event raises an alert; it throws on the event ids in `poison`; `seen` lists the ids it folded.
 */
export function countingProcessor(
  poison: ReadonlySet<string> = new Set(),
): StatefulProcessor & { count: number; seen: string[] } {
  let saved = 0;
  /** The count of a full checkpoint being loaded, until its `end` page. */
  let loading: number | null = null;
  const p = {
    count: 0,
    seen: [] as string[],
    process(event: UsageEvent) {
      if (poison.has(event.event_id)) throw new Error(`cannot score ${event.event_id}`);
      p.count++;
      p.seen.push(event.event_id);
      const alerts = p.count % 3 === 0 ? [{ alert_id: `a-${event.event_id}` } as Alert] : [];
      return { alerts, features: [] };
    },
    snapshot: () => {
      saved = p.count;
      return [Buffer.from(String(p.count).padStart(32)), Buffer.from('end')];
    },
    delta: () => {
      const d = Buffer.from(`+${p.count - saved}`);
      saved = p.count;
      return [d];
    },
    load: (page: Buffer) => {
      const text = page.toString();
      if (loading !== null) {
        if (text !== 'end') throw new Error(`not the end of a full checkpoint: ${text}`);
        saved = p.count = loading;
        loading = null;
        return true;
      }
      if (/^ *\d+$/.test(text)) {
        loading = Number(text);
        return false;
      }
      if (!/^\+\d+$/.test(text)) throw new Error(`not a delta: ${text}`);
      p.count += Number(text.slice(1));
      saved = p.count;
      return true;
    },
  };
  return p;
}
