import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertAlerts } from '../../../services/alerts-store/insert-alerts.ts';
import type { Role } from '../../../services/auth/principal.ts';
import { createCaseProjector } from '../../../services/cases/case-projector.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { type Harness, startHarness } from './harness.ts';
import { HOUR, seedAlerts, seedUsage, T0 } from './seed.ts';

const NOW = T0 + 10 * HOUR;
const RANGE = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 6 * HOUR).toISOString()}`;

async function seeded(env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({ now: () => NOW, env });
  await seedUsage(h.ch, NOW);
  await insertAlerts(h.ch, seedAlerts(), NOW);
  await createCaseProjector(h.ch, { now: () => NOW, logger: silentLogger }).foldPending();
  return h;
}

async function getJson(h: Harness, url: string, role: Role) {
  const r = await h.app.inject({ url, headers: h.as(role) });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

type PromptRow = { event_id: string; prompt_withheld: boolean } & Record<string, unknown>;

/** The prompts of the rows, and the rows without their prompt fields (which must not differ between roles). */
function split(rows: PromptRow[], field: 'prompt_text' | 'prompt_preview') {
  const prompts = rows.map((r) => ({ text: r[field], withheld: r.prompt_withheld }));
  const rest = rows.map(({ [field]: _text, prompt_withheld: _w, ...others }) => others);
  return { prompts, rest };
}

describe('prompt text by role, default DG_PROMPT_READ_ROLES (investigator, admin)', () => {
  let h: Harness;
  before(async () => {
    h = await seeded();
  });
  after(() => h.close());

  test('raw events: the investigator reads prompts, the analyst gets the same rows with the text withheld', async () => {
    const url = `/v1/investigate/keys/key-a/events?${RANGE}&limit=20`;
    const investigator = split((await getJson(h, url, 'investigator')).events, 'prompt_text');
    const queriesBefore = h.queries.length;
    const analyst = split((await getJson(h, url, 'analyst')).events, 'prompt_text');
    assert.equal(investigator.rest.length, 20);
    assert.deepEqual(analyst.rest, investigator.rest);
    for (const p of investigator.prompts) {
      assert.equal(p.withheld, false);
      assert.match(String(p.text), /^Explain step by step: topic \d+ for key-a$/);
    }
    assert.deepEqual(
      new Set(analyst.prompts.map((p) => JSON.stringify(p))),
      new Set(['{"text":null,"withheld":true}']),
    );
    // The withheld text is not even selected: the analyst's query never reads prompt_text.
    const analystQueries = h.queries.slice(queriesBefore).join('\n');
    assert.match(analystQueries, /usage_events/);
    assert.doesNotMatch(analystQueries, /substringUTF8\(prompt_text/);
  });

  test('alert detail evidence: previews for the investigator, withheld for the analyst', async () => {
    const investigator = split((await getJson(h, '/v1/alerts/alert-a1', 'investigator')).evidence, 'prompt_preview');
    const analyst = split((await getJson(h, '/v1/alerts/alert-a1', 'analyst')).evidence, 'prompt_preview');
    assert.equal(investigator.rest.length, 2);
    assert.deepEqual(analyst.rest, investigator.rest);
    assert.ok(investigator.prompts.every((p) => p.withheld === false && /^Explain step by step/.test(String(p.text))));
    assert.ok(analyst.prompts.every((p) => p.withheld === true && p.text === null));
  });

  test('case detail evidence: previews for the investigator, withheld for the analyst', async () => {
    const cases = (await getJson(h, '/v1/cases?limit=50', 'analyst')).cases as Array<{
      case_id: string;
      api_key_ids: string[];
    }>;
    const caseId = cases.find((c) => c.api_key_ids.includes('key-a'))?.case_id;
    assert.ok(caseId, 'a case of key-a');
    const investigator = split((await getJson(h, `/v1/cases/${caseId}`, 'investigator')).evidence, 'prompt_preview');
    const analyst = split((await getJson(h, `/v1/cases/${caseId}`, 'analyst')).evidence, 'prompt_preview');
    assert.ok(investigator.rest.length > 0);
    assert.deepEqual(analyst.rest, investigator.rest);
    assert.ok(investigator.prompts.every((p) => p.withheld === false && typeof p.text === 'string'));
    assert.ok(analyst.prompts.every((p) => p.withheld === true && p.text === null));
  });
});

describe('DG_PROMPT_READ_ROLES=admin: investigators export events without prompt text', () => {
  let h: Harness;
  before(async () => {
    h = await seeded({ DG_PROMPT_READ_ROLES: 'admin' });
  });
  after(() => h.close());

  test('JSONL and CSV exports withhold the text from the investigator and keep it for the admin', async () => {
    const url = `/v1/investigate/export?${RANGE}&key=key-a&format=jsonl&rows=5`;
    const rows = async (role: Role) => {
      const r = await h.app.inject({ url, headers: h.as(role) });
      assert.equal(r.statusCode, 200, r.body);
      return r.body
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    const investigator = await rows('investigator');
    const admin = await rows('admin');
    assert.equal(investigator.length, 5);
    assert.ok(investigator.every((r) => r.prompt_text === null && r.prompt_withheld === 1));
    assert.ok(admin.every((r) => typeof r.prompt_text === 'string' && r.prompt_withheld === 0));
    assert.deepEqual(
      investigator.map((r) => r.event_id),
      admin.map((r) => r.event_id),
    );

    const csv = await h.app.inject({ url: url.replace('jsonl', 'csv'), headers: h.as('investigator') });
    assert.equal(csv.statusCode, 200);
    assert.doesNotMatch(csv.body, /Explain step by step/);
    assert.match(csv.body.split('\n')[0] ?? '', /"prompt_withheld"/);
  });

  test('an unknown role in DG_PROMPT_READ_ROLES is a configuration error', () => {
    assert.throws(() => loadConfig({ DG_PROMPT_READ_ROLES: 'investigator,auditor' }), /DG_PROMPT_READ_ROLES/);
    assert.deepEqual(loadConfig({}).api.promptReadRoles, ['investigator', 'admin']);
  });
});
