import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Alert } from '../../../schemas/alert-v1.ts';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import { toUsageEventRow } from '../../../services/event-store/usage-event-row.ts';
import { type Harness, startHarness } from './harness.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const NOW = T0 + 3_600_000;
const RANGE = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 60_000).toISOString()}`;
/** Three UTF-8 bytes per character, so every byte-based cut at 500 or 2,000 splits one. */
const EURO_PROMPT = '€'.repeat(2_100);
const HOSTILE_PROMPTS = ['=HYPERLINK("http://evil.example","click")', '+1+2', '-2+3', '@SUM(A1:A9)', '\tx', '\rx'];

let h: Harness;

function event(i: number, prompt: string): UsageEvent {
  return {
    event_id: `ev-${i}`,
    ts: T0 + i * 1_000,
    api_key_id: 'key-p',
    org_id: 'org-p',
    model: 'model-x',
    input_tokens: 10,
    output_tokens: 20,
    prompt_text: prompt,
  } as UsageEvent;
}

before(async () => {
  h = await startHarness({ now: () => NOW });
  const events = [EURO_PROMPT, ...HOSTILE_PROMPTS].map((p, i) => event(i, p));
  await h.ch.insert(
    'usage_events',
    events.map((e, i) => toUsageEventRow({ event: e, source: { topic: 't', partition: 0, offset: `${i}` } }, NOW)),
  );
  const alert: Alert = {
    alert_id: 'alert-p',
    kind: 'key',
    api_key_ids: ['key-p'],
    org_ids: ['org-p'],
    score: 0.9,
    severity: 'high',
    raised_at: new Date(T0 + 30_000).toISOString(),
    category: 'bulk_distillation',
    reasons: [],
    evidence_event_ids: ['ev-0'],
    escalates: null,
  };
  await insertAlerts(h.ch, [alert], NOW);
});
after(() => h.close());

const get = (url: string) => h.app.inject({ url, headers: h.as('admin') });

test('prompt previews are cut on character boundaries, never inside a UTF-8 sequence', async () => {
  const detail = await get('/v1/alerts/alert-p');
  assert.equal(detail.statusCode, 200);
  assert.equal(detail.json().evidence[0].prompt_preview, '€'.repeat(500));
  const sample = await get(`/v1/investigate/keys/key-p/events?${RANGE}&limit=10`);
  assert.equal(sample.statusCode, 200);
  assert.equal(sample.json().events[0].prompt_text, '€'.repeat(2_000));
});

test('CSV export neutralises spreadsheet formulas in prompt cells; JSONL keeps the text as stored', async () => {
  const csv = await get(`/v1/investigate/export?${RANGE}&key=key-p&format=csv`);
  assert.equal(csv.statusCode, 200);
  for (const prompt of HOSTILE_PROMPTS) {
    const cell = `"'${prompt.replaceAll('"', '""')}"`;
    assert.ok(csv.body.includes(cell), `no neutralised cell ${JSON.stringify(cell)} in the export`);
  }
  assert.equal(csv.body.includes(',"=HYPERLINK'), false);
  const jsonl = await get(`/v1/investigate/export?${RANGE}&key=key-p&format=jsonl`);
  const prompts = jsonl.body
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { prompt_text: string }).prompt_text);
  assert.deepEqual(prompts.slice(1), HOSTILE_PROMPTS);
});
