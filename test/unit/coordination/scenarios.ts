import { ipIn, keyTraffic, nearDuplicate, randomFingerprint, rng, type TrafficEvent } from './fixtures.ts';

export const AWS = 16509;
const RESIDENTIAL = [7922, 7018, 701, 2856, 3320, 3215];

export interface HydraSpec {
  keys: number;
  orgs: number;
  /** One ASN for every member; absent, each member calls from its own residential ASN and /24 (varied). */
  asn?: number;
  eventsPerKey: number;
  /** UTC hours [from, to) of day 0 the network runs in; members start together at `from`. */
  hours: [number, number];
  prefix?: string;
  /** Distinct templates the operator rotates through (each prompt is a near-duplicate of one); 2 unless given. */
  templates?: number;
  /** Share of each key's traffic that is unrelated legitimate-looking prompts. */
  noise?: number;
  systemPrompt?: string;
  idPrefix?: string;
  /** Output tokens per request; extraction harvests long answers (1,500 unless given). */
  outputTokens?: number;
}

/** A coordinated network: a few shared templates (fingerprints within 3 bits of each), many orgs, low volume per key. */
export function hydra(spec: HydraSpec, seed: number): TrafficEvent[] {
  const random = rng(seed);
  const bases = Array.from({ length: spec.templates ?? 2 }, () => randomFingerprint(random));
  const out: TrafficEvent[] = [];
  for (let k = 0; k < spec.keys; k++) {
    const own = RESIDENTIAL[k % RESIDENTIAL.length]!;
    const prefix = `45.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}`;
    out.push(
      ...keyTraffic(
        {
          keyId: `${spec.idPrefix ?? 'hydra'}-${String(k).padStart(5, '0')}`,
          orgId: `${spec.idPrefix ?? 'hydra'}-org-${k % spec.orgs}`,
          events: spec.eventsPerKey,
          hours: spec.hours,
          fingerprint: () =>
            random() < (spec.noise ?? 0)
              ? randomFingerprint(random)
              : nearDuplicate(bases[Math.floor(random() * bases.length)]!, 3, random),
          asn: () => spec.asn ?? own,
          ip: () => ipIn(spec.prefix ?? prefix, random),
          outputTokens: spec.outputTokens ?? 1500,
          ...(spec.systemPrompt ? { systemPrompt: spec.systemPrompt } : {}),
        },
        random,
      ),
    );
  }
  return out;
}

export interface BenignSpec {
  keys: number;
  /** Share of keys calling from AWS; the rest from residential ISPs. */
  awsShare: number;
  systemPrompt?: string;
  idPrefix?: string;
}

/** Unrelated customers: each its own prompts (some repeat their own template), own org, own working hours. */
export function benignPopulation(spec: BenignSpec, random: () => number): TrafficEvent[] {
  const out: TrafficEvent[] = [];
  for (let k = 0; k < spec.keys; k++) {
    const own = randomFingerprint(random);
    const asn = random() < spec.awsShare ? AWS : RESIDENTIAL[k % RESIDENTIAL.length]!;
    const start = Math.floor(random() * 24);
    const prefix = `${10 + (k % 200)}.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}`;
    out.push(
      ...keyTraffic(
        {
          keyId: `${spec.idPrefix ?? 'benign'}-${String(k).padStart(5, '0')}`,
          orgId: `${spec.idPrefix ?? 'benign'}-org-${k}`,
          events: 8 + Math.floor(random() * 60),
          days: 2,
          hours: [start, (start + 4 + Math.floor(random() * 8)) % 24],
          fingerprint: () => (random() < 0.6 ? nearDuplicate(own, 3, random) : randomFingerprint(random)),
          asn: () => asn,
          ip: () => ipIn(prefix, random),
          ...(spec.systemPrompt ? { systemPrompt: spec.systemPrompt } : {}),
        },
        random,
      ),
    );
  }
  return out;
}
