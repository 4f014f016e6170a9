import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import type { Alert } from '../../../schemas/alert-v1.ts';
import { alertRowSchema, initialView, toAlertRow } from '../../../services/alerts-store/alert-row.ts';
import { decodeCursor, encodeCursor } from '../../../services/common/cursor.ts';

const alert: Alert = {
  alert_id: 'a-1',
  kind: 'key',
  api_key_ids: ['k1'],
  org_ids: ['o1'],
  score: 0.91,
  severity: 'high',
  raised_at: '2026-03-01T10:00:00.123+01:00',
  category: 'bulk_distillation',
  reasons: [{ feature: 'req_per_min', value: 9, baseline: 1, percentile: 99.5, contribution: 1, scorer: 'rule' }],
  evidence_event_ids: ['e1'],
  escalates: null,
};

test('an alert survives the trip to a stored row and back (as ClickHouse returns it)', () => {
  const now = Date.parse('2026-03-02T00:00:00.700Z');
  const view = initialView(alert, true, now);
  assert.equal(view.raised_at, '2026-03-01T09:00:00.123Z');
  assert.equal(view.updated_at, '2026-03-02T00:00:00.000Z');
  const row = toAlertRow(view, now);
  const asReturned = {
    ...row,
    raised_at_ms: String(row.raised_at_ms),
    version: String(row.version),
    updated_s: row.updated_at,
  };
  assert.deepEqual(alertRowSchema.parse(asReturned), view);
});

test('cursors round-trip and foreign ones are a 400', () => {
  const shape = z.object({ r: z.number(), id: z.string() });
  assert.deepEqual(decodeCursor(encodeCursor({ r: 5, id: "x'y" }), shape), { r: 5, id: "x'y" });
  assert.throws(() => decodeCursor('bm90IGpzb24', shape), { code: 'DG_ERR_BAD_INPUT' });
  assert.throws(() => decodeCursor(encodeCursor({ r: 'five' }), shape), { code: 'DG_ERR_BAD_INPUT' });
});
