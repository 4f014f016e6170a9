import type { UsageEventInput } from '../../../schemas/usage-v1.ts';
import type { Dataset } from '../../simulator/dataset.ts';
import type { TimedEvent } from '../../simulator/index.ts';
import { Rng } from '../../simulator/random.ts';

/** Per-event network and account context: what the swap test exchanges (behaviour fields stay as they are). */
export const CONTEXT_FIELDS = ['client_ip', 'client_asn', 'client_country', 'billing_country', 'user_agent'] as const;
type ContextField = (typeof CONTEXT_FIELDS)[number];
type Context = Partial<Pick<UsageEventInput, ContextField>>;

/** Distinct contexts kept per key (a seeded reservoir: keys that rotate IPs keep a fair sample). */
const RESERVOIR = 64;

interface ObservedKey {
  contexts: Context[];
  distinct: Set<string>;
  seen: number;
  keyCreatedAt: string | undefined;
  rng: Rng;
}

/** Who swaps with whom, and what each side brings: the partner's contexts, key creation time and organisation. */
interface SwapPlan {
  partnerOf: ReadonlyMap<string, string>;
  contexts: ReadonlyMap<string, readonly Context[]>;
  keyCreatedAt: ReadonlyMap<string, string | undefined>;
  orgOf: ReadonlyMap<string, string>;
}

function contextOf(event: UsageEventInput): Context {
  const out: Context = {};
  for (const field of CONTEXT_FIELDS) {
    const value = event[field];
    if (value !== undefined && value !== null) (out as Record<string, unknown>)[field] = value;
  }
  return out;
}

function observe(keys: Map<string, ObservedKey>, event: UsageEventInput, seed: number): void {
  let key = keys.get(event.api_key_id);
  if (!key) {
    const rng = new Rng(`context-swap:${seed}/${event.api_key_id}`);
    key = { contexts: [], distinct: new Set(), seen: 0, keyCreatedAt: event.key_created_at ?? undefined, rng };
    keys.set(event.api_key_id, key);
  }
  const context = contextOf(event);
  const id = JSON.stringify(context);
  if (key.distinct.has(id)) return;
  key.distinct.add(id);
  key.seen++;
  if (key.contexts.length < RESERVOIR) key.contexts.push(context);
  else {
    const slot = key.rng.int(0, key.seen - 1);
    if (slot < RESERVOIR) key.contexts[slot] = context;
  }
}

/**
 * Pairs every active attack key with a distinct benign key (seeded shuffle; partners repeat only when there are
 * fewer benign keys) after one pass over the events that collects each key's observed contexts.
 */
export function planSwap(ds: Dataset): SwapPlan {
  const observed = new Map<string, ObservedKey>();
  for (const { event } of ds.timedEvents) observe(observed, event, ds.seed);
  const active = ds.truth.keys.filter((k) => observed.has(k.api_key_id));
  const attacks = active.filter((k) => k.label === 'attack').sort((a, b) => a.api_key_id.localeCompare(b.api_key_id));
  const benign = new Rng(`context-swap:${ds.seed}/pairs`).shuffle(
    active.filter((k) => k.label === 'benign').sort((a, b) => a.api_key_id.localeCompare(b.api_key_id)),
  );
  if (benign.length === 0 && attacks.length > 0) throw new RangeError(`${ds.name}: no benign key to swap with`);
  const partnerOf = new Map<string, string>();
  const orgOf = new Map<string, string>();
  // With fewer benign than attack keys (tiny datasets) partners repeat; a benign key takes its first partner's side.
  attacks.forEach((a, i) => {
    const b = benign[i % benign.length]!;
    partnerOf.set(a.api_key_id, b.api_key_id);
    orgOf.set(a.api_key_id, b.org_id);
    if (i < benign.length) {
      partnerOf.set(b.api_key_id, a.api_key_id);
      orgOf.set(b.api_key_id, a.org_id);
    }
  });
  const contexts = new Map<string, Context[]>();
  const keyCreatedAt = new Map<string, string | undefined>();
  for (const [key, partner] of partnerOf) {
    const source = observed.get(partner)!;
    contexts.set(key, source.contexts);
    keyCreatedAt.set(key, source.keyCreatedAt);
  }
  return { partnerOf, contexts, keyCreatedAt, orgOf };
}

/** FNV-1a of the event id: the context an event gets depends on the event alone, not on iteration state. */
function pick(eventId: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) h = Math.imul(h ^ eventId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}

/** The event with its context, key creation time and organisation replaced by its partner's. */
function swapEvent(plan: SwapPlan, event: UsageEventInput): UsageEventInput {
  const contexts = plan.contexts.get(event.api_key_id);
  if (!contexts) return event;
  const out: Record<string, unknown> = { ...event, org_id: plan.orgOf.get(event.api_key_id) };
  for (const field of CONTEXT_FIELDS) delete out[field];
  delete out.key_created_at;
  if (contexts.length > 0) Object.assign(out, contexts[pick(event.event_id, contexts.length)]);
  const createdAt = plan.keyCreatedAt.get(event.api_key_id);
  if (createdAt !== undefined) out.key_created_at = createdAt;
  return out as UsageEventInput;
}

/**
 * The swap test's transform: attack keys and their benign partners exchange network and account context (IP, ASN,
 * countries, user agent, key creation time, organisation and so org size); every behavioural field is untouched.
 * Deterministic: the same dataset gives the same swapped events.
 */
export function swapContexts(ds: Dataset): Dataset {
  const plan = planSwap(ds);
  const timedEvents: Iterable<TimedEvent> = {
    *[Symbol.iterator]() {
      for (const timed of ds.timedEvents) yield { ts: timed.ts, event: swapEvent(plan, timed.event) };
    },
  };
  const keys = ds.truth.keys.map((k) => ({ ...k, org_id: plan.orgOf.get(k.api_key_id) ?? k.org_id }));
  const orgs = new Map(keys.map((k) => [k.api_key_id, k.org_id]));
  const campaigns = ds.truth.campaigns.map((c) => ({
    ...c,
    org_ids: [...new Set(c.api_key_ids.map((id) => orgs.get(id)).filter((o): o is string => o !== undefined))],
  }));
  return { ...ds, name: `${ds.name} (context swapped)`, truth: { ...ds.truth, keys, campaigns }, timedEvents };
}
