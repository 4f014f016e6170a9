import type { Alert } from '../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import type { StatefulProcessor } from '../../services/stream-service/stateful-sink.ts';

/**
 * A processor whose state is the number of events it folded; a delta is `+n` since the previous checkpoint, and a
 * full state is padded so it outweighs the deltas over it, as a real one does. Every 3rd event raises an alert; it
 * throws on the event ids in `poison`; `seen` lists the ids it folded.
 */
export function countingProcessor(
  state: Buffer | null,
  poison: ReadonlySet<string> = new Set(),
): StatefulProcessor & { count: number; seen: string[] } {
  let saved = state ? Number(state.toString()) : 0;
  const p = {
    count: saved,
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
      return Buffer.from(String(p.count).padStart(32));
    },
    delta: () => {
      const d = Buffer.from(`+${p.count - saved}`);
      saved = p.count;
      return d;
    },
    applyDelta: (d: Buffer) => {
      if (!/^\+\d+$/.test(d.toString())) throw new Error(`not a delta: ${d.toString()}`);
      p.count += Number(d.toString().slice(1));
      saved = p.count;
    },
  };
  return p;
}
