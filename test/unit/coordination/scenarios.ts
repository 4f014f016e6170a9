import { ipIn, keyTraffic, nearDuplicate, randomFingerprint, rng, type TrafficEvent } from './fixtures.ts';

export const AWS = 16509;
const RESIDENTIAL = [7922, 7018, 701, 2856, 3320, 3215];

export interface HydraSpec {
  keys: number;
  orgs: number;
  asn: number;
  eventsPerKey: number;
  hours: [number, number];
  prefix?: string;
  /** Share of each key's traffic that is unrelated legitimate-looking prompts. */
  noise?: number;
  systemPrompt?: string;
  idPrefix?: string;
}

/** A coordinated network: one template family (fingerprints within 3 bits), one ASN, many orgs, low volume. */
export function hydra(spec: HydraSpec, seed: number): TrafficEvent[] {
  const random = rng(seed);
  const base = randomFingerprint(random);
  const out: TrafficEvent[] = [];
  for (let k = 0; k < spec.keys; k++) {
    out.push(
      ...keyTraffic(
        {
          keyId: `${spec.idPrefix ?? 'hydra'}-${String(k).padStart(5, '0')}`,
          orgId: `${spec.idPrefix ?? 'hydra'}-org-${k % spec.orgs}`,
          events: spec.eventsPerKey,
          hours: spec.hours,
          fingerprint: () =>
            random() < (spec.noise ?? 0) ? randomFingerprint(random) : nearDuplicate(base, 3, random),
          asn: () => spec.asn,
          ip: () => ipIn(spec.prefix ?? `45.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}`, random),
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
