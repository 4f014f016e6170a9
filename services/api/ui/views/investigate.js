import { api, qs } from '../api.js';
import { panelChart } from '../chart.js';
import { filterForm, fmtNum, fmtTime, formValues, h, link, message, render, select, table } from '../dom.js';

const QUERIES = [
  ['timeline', 'Key timeline'],
  ['top-keys', 'Top keys by a feature'],
  ['linked', 'Keys linked to a key'],
  ['events', 'Raw events of a key'],
  ['rollup', 'Org rollup'],
  ['export', 'Export events (CSV/JSONL)'],
];

const cellOf = (v) =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'number'
      ? fmtNum(v)
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** A table of whatever columns the rows have; key ids link to the key page. */
function autoTable(rows) {
  const names = rows.length ? Object.keys(rows[0]) : ['result'];
  return table(
    names.map((n) => ({
      label: n,
      cell: (r) => (n === 'api_key_id' ? link(r[n], 'key', r[n]) : n.endsWith('_ms') ? fmtTime(r[n]) : cellOf(r[n])),
    })),
    rows,
    { empty: 'No rows.' },
  );
}

function timelineView(t) {
  const at = (b) => Date.parse(b.ts);
  const series = [
    { name: 'requests', points: t.buckets.map((b) => [at(b), b.requests]) },
    ...t.features.map((f) => ({ name: f, points: t.buckets.map((b) => [at(b), b.features[f]]) })),
  ];
  return [
    h('figure', { class: 'card' }, panelChart(series), h('figcaption', {}, 'UTC, event time; one scale per panel')),
    autoTable(t.buckets.map(({ features, ...b }) => ({ ...b, ...features }))),
  ];
}

async function download(path, format) {
  const response = await api(path, { raw: true });
  const url = URL.createObjectURL(await response.blob());
  return h('a', { href: url, download: `events.${format}`, class: 'button' }, `Download events.${format}`);
}

async function runQuery(v) {
  const range = { from: v.from, to: v.to };
  const key = encodeURIComponent(v.key);
  switch (v.query) {
    case 'timeline':
      return timelineView(
        await api(`/v1/investigate/keys/${key}/timeline${qs({ ...range, bucket: v.bucket, features: v.feature })}`),
      );
    case 'top-keys':
      return autoTable(
        (await api(`/v1/investigate/top-keys${qs({ ...range, feature: v.feature, agg: v.agg, org: v.org })}`)).keys,
      );
    case 'linked':
      return autoTable((await api(`/v1/investigate/keys/${key}/linked${qs(range)}`)).linked);
    case 'events':
      return autoTable((await api(`/v1/investigate/keys/${key}/events${qs({ ...range, limit: 100 })}`)).events);
    case 'rollup':
      return autoTable((await api(`/v1/investigate/orgs/${encodeURIComponent(v.org)}/rollup${qs(range)}`)).keys);
    default:
      return download(
        `/v1/investigate/export${qs({ ...range, key: v.key, org: v.key ? '' : v.org, format: v.format })}`,
        v.format,
      );
  }
}

/**
 * Investigator queries: pick a query, fill its parameters, see a table (and a chart for timelines). A link may
 * preset the query, key and range (`#/investigate/events/KEY/FROM/TO`, e.g. from a case) and runs it at once.
 */
export async function showInvestigate(main, presetQuery, presetKey, presetFrom, presetTo) {
  const { features } = await api('/v1/features');
  const now = Date.now();
  const preset = QUERIES.some(([q]) => q === presetQuery);
  const c = {
    query: select('query', QUERIES, preset ? presetQuery : 'timeline'),
    key: h('input', { name: 'key', placeholder: 'api_key_id', value: presetKey ?? '' }),
    org: h('input', { name: 'org', placeholder: 'org_id' }),
    feature: select(
      'feature',
      features.map((f) => [f, f]),
      'req_per_min',
    ),
    agg: select(
      'agg',
      [
        ['max', 'max'],
        ['avg', 'avg'],
        ['p90', 'p90'],
      ],
      'max',
    ),
    bucket: select(
      'bucket',
      [
        ['minute', 'minute'],
        ['hour', 'hour'],
        ['day', 'day'],
      ],
      'hour',
    ),
    format: select(
      'format',
      [
        ['csv', 'CSV'],
        ['jsonl', 'JSONL'],
      ],
      'csv',
    ),
    from: h('input', { name: 'from', value: presetFrom ?? new Date(now - 86_400_000).toISOString(), size: 26 }),
    to: h('input', { name: 'to', value: presetTo ?? new Date(now).toISOString(), size: 26 }),
  };
  const results = h('div', { id: 'query-results' });
  const run = async (values) => {
    render(results, h('p', { class: 'loading' }, 'Running…'));
    try {
      render(results, await runQuery(values));
    } catch (error) {
      render(results, message(error.message, 'error'));
    }
  };
  const form = filterForm(c, run, 'Run');
  render(main, h('h1', {}, 'Investigate'), form, results);
  if (preset && presetKey) await run(formValues(c));
}
