import { api, qs } from '../api.js';
import { panelChart } from '../chart.js';
import { badge, field, fmtNum, fmtTime, h, link, message, meter, render, select, table } from '../dom.js';
import { ACTION_COLUMNS, limitsText } from './actions.js';

const CHART_FEATURES = ['req_per_min', 'template_share', 'out_in_ratio'];

const PROFILE_COLUMNS = [
  { label: 'Feature', cell: (f) => f.feature },
  { label: 'Value', cell: (f) => fmtNum(f.value) },
  { label: 'Population p50', cell: (f) => fmtNum(f.p50) },
  { label: 'p90', cell: (f) => fmtNum(f.p90) },
  { label: 'p99', cell: (f) => fmtNum(f.p99) },
  {
    label: 'Percentile',
    cell: (f) => (f.percentile === null ? '—' : meter(f.percentile / 100, `${fmtNum(f.percentile, 1)}`)),
  },
];

const ALERT_COLUMNS = [
  { label: 'Raised (UTC)', cell: (a) => fmtTime(a.raised_at) },
  { label: 'Alert', cell: (a) => link(a.alert_id, 'alert', a.alert_id) },
  { label: 'Severity', cell: (a) => badge(a.severity) },
  { label: 'Category', cell: (a) => a.category },
  { label: 'Status', cell: (a) => [badge(a.status), a.label ? ` ${a.label}` : ''] },
];

function decisionBox(state) {
  if (!state) return message('The actions service is not running in this API process.', 'info');
  const d = state.decision;
  return h(
    'div',
    { class: 'card decision', id: 'decision' },
    h('strong', {}, 'Gateway decision: '),
    badge(d.decision),
    d.limits ? ` ${limitsText(d.limits)}` : '',
    d.reason ? h('span', { class: 'muted' }, ` · ${d.reason}`) : '',
    d.expires_at ? h('span', { class: 'muted' }, ` · until ${fmtTime(d.expires_at)}`) : '',
  );
}

function manualForms(keyId, reload, status) {
  const run = (fn) => async (event) => {
    event.preventDefault();
    try {
      await fn();
      await reload();
    } catch (error) {
      render(status, message(error.message, 'error'));
    }
  };
  const action = select(
    'action',
    [
      ['rate_limit', 'rate limit'],
      ['require_review', 'require review'],
      ['suspend', 'suspend'],
    ],
    'rate_limit',
  );
  const rpm = h('input', { name: 'rpm', type: 'number', min: 1, size: 6 });
  const duration = h('input', { name: 'duration', value: '1h', size: 5 });
  const reason = h('input', { name: 'reason', placeholder: 'reason', required: true });
  const liftReason = h('input', { name: 'lift-reason', placeholder: 'reason', required: true });
  const apply = () =>
    api(`/v1/keys/${encodeURIComponent(keyId)}/actions`, {
      method: 'POST',
      body: {
        action: action.value,
        duration: duration.value,
        reason: reason.value,
        ...(rpm.value ? { rpm: Number(rpm.value) } : {}),
      },
    });
  const lift = () =>
    api(`/v1/keys/${encodeURIComponent(keyId)}/actions${qs({ reason: liftReason.value })}`, { method: 'DELETE' });
  return h(
    'div',
    { class: 'card manual' },
    h(
      'form',
      { onsubmit: run(apply) },
      field('Action', action),
      field('rpm', rpm),
      field('Duration', duration),
      field('Reason', reason),
      h('button', { type: 'submit' }, 'Apply'),
    ),
    h(
      'form',
      { onsubmit: run(lift) },
      field('Reason', liftReason),
      h('button', { type: 'submit' }, 'Lift all actions'),
    ),
  );
}

async function timelineFigure(keyId, asOf) {
  if (!asOf) return message('No feature snapshots for this key yet.', 'info');
  const to = new Date(Date.parse(asOf) + 3_600_000).toISOString();
  const from = new Date(Date.parse(asOf) - 86_400_000).toISOString();
  const t = await api(
    `/v1/keys/${encodeURIComponent(keyId)}/timeline${qs({ from, to, bucket: 'hour', features: CHART_FEATURES.join(',') })}`,
  );
  const at = (b) => Date.parse(b.ts);
  const series = [
    { name: 'requests', points: t.buckets.map((b) => [at(b), b.requests]) },
    { name: 'score', points: t.buckets.map((b) => [at(b), b.score]) },
    ...t.features.map((f) => ({ name: f, points: t.buckets.map((b) => [at(b), b.features[f]]) })),
  ];
  return h(
    'figure',
    { class: 'card' },
    panelChart(series),
    h('figcaption', {}, 'Hourly (UTC, event time), the day before the latest snapshot; one scale per panel'),
  );
}

/** The key's open cases (its own, or its cluster's), where the analyst decides and acts. */
function openCases(page) {
  if (page.total === 0) return '';
  return h(
    'p',
    { class: 'card', id: 'key-cases' },
    h('strong', {}, 'Open case: '),
    page.cases.flatMap((c, i) => [
      i ? ', ' : '',
      badge(c.severity),
      ' ',
      link(
        c.kind === 'key' ? `this key (${c.alert_count} alerts)` : `cluster of ${c.api_key_ids.length} keys`,
        'case',
        c.case_id,
      ),
    ]),
    ' — review and resolve there; "enforce" acts through the policy.',
  );
}

/** A key: gateway decision and actions, manual apply/lift, timeline, features against the population, alerts. */
export async function showKey(main, keyId) {
  const status = h('div', { id: 'key-status' });
  const enc = encodeURIComponent(keyId);
  const [profile, state, alerts, cases] = await Promise.all([
    api(`/v1/keys/${enc}/profile`).catch((e) => (e.status === 404 ? null : Promise.reject(e))),
    api(`/v1/keys/${enc}/actions`).catch((e) => (e.status === 503 ? null : Promise.reject(e))),
    api(`/v1/alerts${qs({ key: keyId, suppressed: 'include', limit: 50 })}`),
    api(`/v1/cases${qs({ key: keyId, limit: 5 })}`),
  ]);
  const reload = () => showKey(main, keyId);
  render(
    main,
    h(
      'h1',
      {},
      'Key ',
      h('code', {}, keyId),
      profile ? h('span', { class: 'muted' }, ` · org ${profile.org_id} · score ${fmtNum(profile.score, 2)}`) : '',
    ),
    status,
    openCases(cases),
    decisionBox(state),
    state
      ? h(
          'div',
          {},
          h('h2', {}, `Active actions (${state.active.length})`),
          table(ACTION_COLUMNS, state.active, { empty: 'No active actions.' }),
          manualForms(keyId, reload, status),
        )
      : '',
    h('h2', {}, 'Timeline'),
    await timelineFigure(keyId, profile?.as_of),
    h('h2', {}, 'Features against the population'),
    profile
      ? h(
          'p',
          { class: 'muted' },
          `Latest snapshot ${fmtTime(profile.as_of)}; population: ${profile.population_keys} key(s) active in the day before.`,
        )
      : '',
    table(PROFILE_COLUMNS, profile?.features ?? [], { empty: 'No feature snapshots.' }),
    h('h2', {}, 'Alerts'),
    table(ALERT_COLUMNS, alerts.alerts, { empty: 'No alerts for this key.' }),
    state
      ? [h('h2', {}, 'Action history'), table(ACTION_COLUMNS, state.actions, { empty: 'No actions recorded.' })]
      : '',
  );
}
