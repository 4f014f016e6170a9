/**
 * Scale measurement of stage 2, run by hand, not by `bench/run.ts` (node --expose-gc --import tsx bench/coordination-pass.ts [keys]).
 * Builds a population of benign keys plus one hydra network of 40% of the keys (two templates, one system prompt), then times a cold linking pass
 * (every key changed), an incremental pass (1% of keys changed), snapshot size, and heap and JSON bytes per key.
 */
import type { UsageEvent } from '../schemas/usage-v1.ts';
import type { PromptFingerprint } from '../services/common/text/fingerprint.ts';
import type { PromptTokens } from '../services/common/text/tokenize.ts';
import { createCoordinationEngine } from '../services/coordination/index.ts';
import { createPrng } from '../services/ml/prng.ts';

const KEYS = Number(process.argv[2] ?? 50_000);
const HYDRA_SHARE = 0.4;
const T0 = Date.UTC(2026, 2, 2);
const HOUR_MS = 3_600_000;

const random = createPrng(12345);
const randomFp = (): PromptFingerprint => ({ hi: (random() * 2 ** 32) >>> 0, lo: (random() * 2 ** 32) >>> 0 });
function near(base: PromptFingerprint): PromptFingerprint {
  const bit = Math.floor(random() * 64);
  return bit < 32
    ? { hi: (base.hi ^ (1 << bit)) >>> 0, lo: base.lo }
    : { hi: base.hi, lo: (base.lo ^ (1 << (bit - 32))) >>> 0 };
}

interface KeyPlan {
  id: string;
  org: string;
  asn: number;
  prefix: string;
  events: number;
  startHour: number;
  spanHours: number;
  templates: PromptFingerprint[];
  templateShare: number;
  systemPrompt?: string;
}

function plan(k: number, hydraBase: PromptFingerprint[]): KeyPlan {
  const hydra = k < KEYS * HYDRA_SHARE;
  const prefix = `${10 + (k % 200)}.${Math.floor(random() * 250)}.${Math.floor(random() * 250)}`;
  if (hydra) {
    return {
      id: `h${k}`,
      org: `ho${k % 100}`,
      asn: 62240,
      prefix,
      events: 10,
      startHour: 1,
      spanHours: 4,
      templates: hydraBase,
      templateShare: 0.8,
      systemPrompt: 'f'.repeat(64),
    };
  }
  const startHour = Math.floor(random() * 24);
  const asn = random() < 0.4 ? 16509 : [7922, 7018, 701, 2856, 3320][k % 5]!;
  return {
    id: `b${k}`,
    org: `bo${k}`,
    asn,
    prefix,
    events: 5 + Math.floor(random() * 40),
    startHour,
    spanHours: 8,
    templates: [randomFp()],
    templateShare: 0.6,
  };
}

/** The events carry fingerprints only (gateway fingerprint mode): no prompt text, so no token hashes. */
const NO_TOKENS: PromptTokens = { tokens: new Int32Array(0), tokenCount: 0 };

function eventOf(p: KeyPlan, i: number): [UsageEvent, PromptFingerprint, PromptTokens] {
  const ts = T0 + ((p.startHour * HOUR_MS + Math.floor(random() * p.spanHours * HOUR_MS)) % (24 * HOUR_MS));
  const template = p.templates[Math.floor(random() * p.templates.length)]!;
  const fp = random() < p.templateShare ? near(near(template)) : randomFp();
  const event: UsageEvent = {
    event_id: `${p.id}-${i}`,
    ts,
    api_key_id: p.id,
    org_id: p.org,
    model: 'm',
    input_tokens: 100,
    output_tokens: 400,
    client_asn: p.asn,
    client_ip: `${p.prefix}.${1 + Math.floor(random() * 250)}`,
    ...(p.systemPrompt ? { system_prompt_sha256: p.systemPrompt } : {}),
  };
  return [event, fp, NO_TOKENS];
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

/** Wall and CPU time: on a shared machine CPU time is the steadier measure of the work itself. */
function time<T>(label: string, run: () => T): T {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const out = run();
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(`${label}: ${(performance.now() - start).toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms cpu`);
  return out;
}

const hydraBase = [randomFp(), randomFp()];
const plans = Array.from({ length: KEYS }, (_, k) => plan(k, hydraBase));
const end = T0 + 24 * HOUR_MS;
const heapBefore = heapMb();
const engine = createCoordinationEngine();
// Fed key by key (profiles do not need global time order) so no event array outlives the feed.
const events = time('observe', () => {
  let n = 0;
  for (const p of plans) for (let i = 0; i < p.events; i++, n++) engine.observe(...eventOf(p, i));
  return n;
});
console.log(`  ${events} events`);
heapMb();
const cold = time(`cold pass over ${KEYS} keys`, () => engine.flush(end));
console.log(`heap per key: ${(((heapMb() - heapBefore) * 1e6) / KEYS).toFixed(0)} bytes (profiles, families, indexes)`);
for (const a of cold) console.log(`  alert ${a.alert_id} members=${a.api_key_ids.length} score=${a.score.toFixed(3)}`);
for (const p of plans.filter((_, k) => k % 100 === 0)) engine.observe(eventOf(p, 999)[0], randomFp(), NO_TOKENS);
heapMb();
time(`incremental pass (${KEYS / 100} keys changed)`, () => engine.flush(end + 5 * 60_000));
const snapshot = time('snapshot', () => JSON.stringify(engine.snapshot()));
const signatures = engine.snapshot().keys.map((k) => JSON.stringify(k.signature).length);
console.log(
  `snapshot: ${(snapshot.length / 1e6).toFixed(1)} MB; signature JSON bytes mean ${Math.round(signatures.reduce((s, x) => s + x, 0) / signatures.length)} max ${Math.max(...signatures)}`,
);
time('restore', () => createCoordinationEngine().restore(JSON.parse(snapshot)));
console.log(engine.stats());
