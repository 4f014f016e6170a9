import { api, qs } from '../api.js';
import {
  ANY,
  badge,
  cursorList,
  filterForm,
  fmtNum,
  fmtTime,
  h,
  link,
  message,
  render,
  select,
  table,
} from '../dom.js';

const filters = { status: '', severity: '', kind: '', key: '', org: '', from: '', to: '', suppressed: 'exclude' };

const COLUMNS = [
  { label: 'Raised (UTC)', cell: (a) => fmtTime(a.raised_at) },
  { label: 'Severity', cell: (a) => badge(a.severity) },
  { label: 'Score', cell: (a) => fmtNum(a.score, 2) },
  { label: 'Kind', cell: (a) => a.kind },
  { label: 'Category', cell: (a) => a.category },
  { label: 'Keys', cell: (a) => a.api_key_ids.flatMap((k, i) => [i ? ', ' : '', link(k, 'key', k)]) },
  { label: 'Status', cell: (a) => [badge(a.status), a.suppressed ? badge('suppressed') : ''] },
  { label: 'Assignee', cell: (a) => a.assignee ?? '—' },
  { label: '', cell: (a) => link('Open', 'alert', a.alert_id) },
];

function controls() {
  return {
    status: select('status', ANY.concat(['open', 'acknowledged', 'resolved']), filters.status),
    severity: select('severity', ANY.concat(['low', 'medium', 'high', 'critical']), filters.severity),
    kind: select('kind', ANY.concat(['key', 'cluster']), filters.kind),
    key: h('input', { name: 'key', value: filters.key, placeholder: 'api_key_id' }),
    org: h('input', { name: 'org', value: filters.org, placeholder: 'org_id' }),
    from: h('input', { name: 'from', value: filters.from, placeholder: 'raised from (RFC 3339)', size: 22 }),
    to: h('input', { name: 'to', value: filters.to, placeholder: 'raised before', size: 22 }),
    suppressed: select(
      'suppressed',
      [
        ['exclude', 'hide suppressed'],
        ['include', 'with suppressed'],
        ['only', 'only suppressed'],
      ],
      filters.suppressed,
    ),
  };
}

/** Every alert row (the immutable record under the cases): filters, newest first, "more" follows the cursor. */
export async function showAlerts(main) {
  const results = h('div', { id: 'queue-results' });
  const page = async (cursor) => {
    const { alerts, next_cursor } = await api(`/v1/alerts${qs({ ...filters, limit: 50, cursor })}`);
    return { rows: alerts, next_cursor };
  };
  const view = (rows) => [
    h('p', { class: 'count' }, `${rows.length} alert(s)`),
    table(COLUMNS, rows, { empty: 'No alerts match.' }),
  ];
  const show = (error) => render(results, message(error.message, 'error'));
  const load = cursorList(results, page, view, show);
  render(
    main,
    h('h1', {}, 'Alerts'),
    h(
      'p',
      { class: 'muted' },
      'Every alert the detector raised, newest first. Triage works on ',
      link('cases', 'queue'),
      '.',
    ),
    filterForm(controls(), (values) => {
      Object.assign(filters, values);
      load().catch(show);
    }),
    results,
  );
  await load();
}
