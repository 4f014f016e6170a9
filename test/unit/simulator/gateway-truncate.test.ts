import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEventValue } from '../../../schemas/parse-event.ts';
import { gatewayTruncate } from '../../../services/simulator/key-stream.ts';

test('prompt text longer than usage.v1 allows is cut as a gateway would, never inside a surrogate pair', () => {
  assert.equal(gatewayTruncate('short'), 'short');
  const long = 'a'.repeat(40_000);
  assert.equal(gatewayTruncate(long).length, 32_768);
  const emojiAtCut = `${'a'.repeat(32_767)}😀tail`;
  const cut = gatewayTruncate(emojiAtCut);
  assert.equal(cut.length, 32_767, 'the pair is dropped whole');
  const event = {
    event_id: 'e',
    ts: 1_772_668_800_000,
    api_key_id: 'k',
    org_id: 'o',
    model: 'm',
    input_tokens: 1,
    output_tokens: 1,
    prompt_text: gatewayTruncate(long),
  };
  assert.equal(parseEventValue(event).ok, true);
});
