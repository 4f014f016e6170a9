import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { fingerprintFromHex, hammingDistance } from '../../../services/common/text/fingerprint.ts';
import { createClickHouseEventSink } from '../../../services/event-store/clickhouse-event-sink.ts';
import { storedPrompt } from '../../../services/event-store/prompt-storage.ts';

const TEXT = 'Explain step by step how photosynthesis converts light into chemical energy in C4 plants 🌱';
const event = (extra: Partial<UsageEvent> = {}) =>
  ({ event_id: 'e1', api_key_id: 'k1', org_id: 'o', model: 'm', ts: 1, prompt_text: TEXT, ...extra }) as UsageEvent;
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

test('DG_PROMPT_STORAGE: full by default; truncated and fingerprint from the environment; anything else refused', () => {
  assert.deepEqual(loadConfig({}).ingest.prompts, { storage: 'full', truncateChars: 500 });
  assert.deepEqual(loadConfig({ DG_PROMPT_STORAGE: 'truncated', DG_PROMPT_TRUNCATE_CHARS: '80' }).ingest.prompts, {
    storage: 'truncated',
    truncateChars: 80,
  });
  assert.equal(loadConfig({ DG_PROMPT_STORAGE: 'fingerprint' }).ingest.prompts.storage, 'fingerprint');
  assert.throws(() => loadConfig({ DG_PROMPT_STORAGE: 'none' }));
});

test('full keeps the prompt as sent, hashes only when the gateway sent them', () => {
  assert.deepEqual(storedPrompt(event(), { storage: 'full', truncateChars: 10 }), {
    prompt_text: TEXT,
    prompt_sha256: '',
    prompt_simhash: '',
  });
});

test('fingerprint keeps no text, only the SHA-256 and a SimHash of the whole prompt', () => {
  const stored = storedPrompt(event(), { storage: 'fingerprint', truncateChars: 10 });
  assert.equal(stored.prompt_text, '');
  assert.equal(stored.prompt_sha256, sha(TEXT));
  assert.match(stored.prompt_simhash, /^[0-9a-f]{16}$/);
  const near = storedPrompt(event({ prompt_text: TEXT.replace('C4', 'CAM') }), {
    storage: 'fingerprint',
    truncateChars: 1,
  });
  const other = storedPrompt(event({ prompt_text: 'Write a haiku about the sea at night, in French' }), {
    storage: 'fingerprint',
    truncateChars: 1,
  });
  const distance = (a: string, b: string) => hammingDistance(fingerprintFromHex(a), fingerprintFromHex(b));
  assert.ok(
    distance(stored.prompt_simhash, near.prompt_simhash) < distance(stored.prompt_simhash, other.prompt_simhash),
    'near-duplicate prompts stay close without their text',
  );
  const gateway = { prompt_sha256: 'a'.repeat(64), prompt_simhash: '0123456789abcdef' };
  assert.deepEqual(storedPrompt(event(gateway), { storage: 'fingerprint', truncateChars: 1 }), {
    prompt_text: '',
    ...gateway,
  });
});

test('truncated keeps the first characters without splitting a surrogate pair, and the hashes of the whole text', () => {
  const emoji = '😀'.repeat(5);
  const stored = storedPrompt(event({ prompt_text: emoji }), { storage: 'truncated', truncateChars: 3 });
  assert.equal(stored.prompt_text, '😀😀😀');
  assert.equal(stored.prompt_sha256, sha(emoji));
  assert.equal(storedPrompt(event(), { storage: 'truncated', truncateChars: 500 }).prompt_text, TEXT);
});

test('the usage_events sink writes no prompt text in fingerprint mode; the event itself keeps it', async () => {
  const rows: Array<Record<string, unknown>> = [];
  const ch = { insert: async (_t: string, r: Array<Record<string, unknown>>) => void rows.push(...r) };
  const sink = createClickHouseEventSink(ch as unknown as ClickHouse, { storage: 'fingerprint', truncateChars: 500 });
  const sourced = { event: event(), source: { topic: 't', partition: 0, offset: '0' } };
  await sink.write([sourced]);
  assert.equal(rows[0]!.prompt_text, '');
  assert.equal(rows[0]!.prompt_sha256, sha(TEXT));
  assert.equal(sourced.event.prompt_text, TEXT, 'the detector, which shares the batch, still sees the text');
});
