import { api, qs } from '../api.js';
import { ANY, badge, filterForm, fmtNum, fmtTime, h, link, message, render, select, table } from '../dom.js';

const PAGE = 50;
const filters = { status: 'open', severity: '', category: '', kind: '', key: '' };

const CATEGORIES = [
  'bulk_distillation',
  'cot_harvesting',
  'capability_sweep',
  'hydra_network',
  'low_and_slow',
  'region_evasion',
  'anomaly',
];

/** "2 limit · 3 allow" for a cluster, the one decision for a key. */
function gatewayCell(c) {
  const g = c.gateway;
  if (g.decision === 'unknown') return '—';
  if (c.api_key_ids.length === 1) return badge(g.decision);
  const parts = ['deny', 'limit', 'allow'].filter((d) => g.keys[d]).map((d) => `${g.keys[d]} ${d}`);
  return [badge(g.decision), ` ${parts.join(' · ')}`];
}

function subject(c) {
  if (c.kind === 'key') return link(c.api_key_ids[0], 'key', c.api_key_ids[0]);
  return `cluster of ${c.api_key_ids.length} keys`;
}

const COLUMNS = [
  { label: 'Severity', cell: (c) => badge(c.severity) },
  { label: 'Score', cell: (c) => fmtNum(c.score, 2) },
  { label: 'Case', cell: (c) => [subject(c), h('div', { class: 'muted small' }, c.categories.join(', '))] },
  { label: 'Top reason', cell: (c) => h('span', { class: 'reason' }, c.top_reason || '—') },
  { label: 'Alerts', cell: (c) => fmtNum(c.alert_count) },
  { label: 'Gateway', cell: gatewayCell },
  { label: 'Last evidence (UTC, event time)', cell: (c) => fmtTime(c.last_evidence_at) },
  { label: '', cell: (c) => link('Open', 'case', c.case_id) },
];

function controls() {
  return {
    status: select('status', ['open', 'resolved', 'merged'], filters.status),
    severity: select('severity', ANY.concat(['critical', 'high', 'medium', 'low']), filters.severity),
    category: select('category', ANY.concat(CATEGORIES.map((s) => [s, s.replaceAll('_', ' ')])), filters.category),
    kind: select('kind', ANY.concat(['key', 'cluster']), filters.kind),
    key: h('input', { name: 'key', value: filters.key, placeholder: 'api_key_id' }),
  };
}

/** The case queue: one row per key or cluster under suspicion, most severe first, with the total. */
export async function showQueue(main) {
  const results = h('div', { id: 'queue-results' });
  async function load(offset = 0) {
    const page = await api(`/v1/cases${qs({ ...filters, limit: PAGE, offset })}`);
    const shown = `${page.total === 0 ? 0 : offset + 1}–${offset + page.cases.length}`;
    const nav = h(
      'p',
      { class: 'pager' },
      offset > 0
        ? h('button', { type: 'button', onclick: () => load(Math.max(0, offset - PAGE)).catch(show) }, 'Previous')
        : '',
      offset + page.cases.length < page.total
        ? h('button', { type: 'button', onclick: () => load(offset + PAGE).catch(show) }, 'Next')
        : '',
    );
    render(
      results,
      h('p', { class: 'count', id: 'case-total' }, `${page.total} ${filters.status} case(s) · showing ${shown}`),
      table(COLUMNS, page.cases, { empty: 'No cases match.', rowAttrs: (c) => ({ 'data-severity': c.severity }) }),
      nav,
    );
  }
  const show = (error) => render(results, message(error.message, 'error'));
  render(
    main,
    h('h1', {}, 'Case queue'),
    filterForm(controls(), (values) => {
      Object.assign(filters, values);
      load().catch(show);
    }),
    results,
  );
  await load();
}
