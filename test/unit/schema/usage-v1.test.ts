import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderUsageV1JsonSchema } from '../../../schemas/json-schema.ts';
import { parseEvent } from '../../../schemas/parse-event.ts';
import { LIMITS } from '../../../schemas/usage-v1.ts';
import { malformedCases } from '../../fixtures/events/malformed.ts';

const fixture = (name: string) => new URL(`../../fixtures/events/${name}`, import.meta.url);

test('every valid fixture parses; ts becomes epoch ms; unknown fields and nulls are dropped', () => {
  const lines = readFileSync(fixture('valid.jsonl'), 'utf8').trim().split('\n');
  const events = lines.map((line, i) => {
    const r = parseEvent(line);
    assert.ok(r.ok, `line ${i + 1}: ${r.ok ? '' : r.reason}`);
    return r.event;
  });
  assert.equal(events[0]!.ts, Date.UTC(2026, 2, 1, 12));
  assert.equal(events[1]!.ts, 1_772_366_400_000);
  assert.equal(events[2]!.ts, Date.UTC(2026, 2, 1, 11, 0, 0, 123), 'offset applied');
  assert.equal('unknown_field' in events[1]!, false);
  assert.equal('temperature' in events[3]!, false);
  assert.equal(events[2]!.n, 4);
});

test('each malformed case is rejected with its reason code', () => {
  for (const c of malformedCases(1)) {
    const r = parseEvent(c.value);
    assert.equal(r.ok, false, c.name);
    if (!r.ok) assert.ok(r.reason.startsWith(c.expectedReason), `${c.name}: got "${r.reason}"`);
  }
});

test('oversized messages are refused before JSON.parse', () => {
  const huge = Buffer.alloc(LIMITS.maxMessageBytes + 1, 0x20);
  const r = parseEvent(huge);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /^too_large: /);
});

test('prompt_text longer than the limit is rejected, not truncated silently', () => {
  const e = {
    event_id: 'x',
    ts: 1_772_366_400_000,
    api_key_id: 'k',
    org_id: 'o',
    model: 'm',
    input_tokens: 1,
    output_tokens: 1,
  };
  const r = parseEvent(JSON.stringify({ ...e, prompt_text: 'a'.repeat(LIMITS.promptTextChars + 1) }));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /prompt_text/);
});

test('schemas/usage.v1.schema.json matches the zod schema (run `make schema` when this fails)', () => {
  const committed = readFileSync(new URL('../../../schemas/usage.v1.schema.json', import.meta.url), 'utf8');
  assert.equal(committed, renderUsageV1JsonSchema());
});

test('the JSON Schema lists exactly the DESIGN.md required fields', () => {
  const schema = JSON.parse(renderUsageV1JsonSchema()) as { required: string[]; properties: Record<string, unknown> };
  assert.deepEqual(
    [...schema.required].sort(),
    ['api_key_id', 'event_id', 'input_tokens', 'model', 'org_id', 'output_tokens', 'ts'].sort(),
  );
  assert.equal(Object.keys(schema.properties).length, 30);
});
