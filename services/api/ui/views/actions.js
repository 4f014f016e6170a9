import { api, qs } from '../api.js';
import { ANY, badge, cursorList, filterForm, fmtTime, h, link, message, render, select, table } from '../dom.js';

/** "60 rpm 1000 tpm": the limits an action or decision sets, empty when none. */
export const limitsText = (l) => [l.rpm ? `${l.rpm} rpm` : '', l.tpm ? `${l.tpm} tpm` : ''].filter(Boolean).join(' ');

/** The columns of an action without its key and org, as a key's page lists its own actions. */
export const ACTION_COLUMNS = [
  { label: 'Time (UTC)', cell: (a) => fmtTime(a.created_at_ms) },
  { label: 'Action', cell: (a) => badge(a.action) },
  { label: 'Mode', cell: (a) => a.mode },
  { label: 'Limits', cell: limitsText },
  { label: 'Actor', cell: (a) => a.actor },
  { label: 'Reason', cell: (a) => a.reason },
  { label: 'Alert', cell: (a) => (a.alert_id ? link(a.alert_id, 'alert', a.alert_id) : '—') },
  { label: 'Expires', cell: (a) => fmtTime(a.expires_at_ms) },
];

const COLUMNS = [
  ACTION_COLUMNS[0],
  { label: 'Key', cell: (a) => link(a.api_key_id, 'key', a.api_key_id) },
  { label: 'Org', cell: (a) => a.org_id },
  ...ACTION_COLUMNS.slice(1),
];

function breakerBox(b) {
  return h(
    'div',
    { class: 'card' },
    h('strong', {}, 'Circuit breaker: '),
    badge(b.open ? 'open' : 'closed', b.open ? 'deny' : 'allow'),
    ` ${b.overall.count}/${b.overall.limit} automatic actions in the window`,
    b.last_tripped_at ? h('span', { class: 'muted' }, ` · last tripped ${fmtTime(b.last_tripped_at)}`) : '',
  );
}

/** The action log (automatic, manual, dry-run, recommendations, lifts, expiries) with the breaker state. */
export async function showActions(main) {
  const words = (values) => values.map((v) => [v, v.replaceAll('_', ' ')]);
  const controls = {
    api_key_id: h('input', { name: 'api_key_id', placeholder: 'api_key_id' }),
    mode: select('mode', ANY.concat(words(['enforce', 'dry_run', 'recommendation'])), ''),
    action: select('action', ANY.concat(words(['rate_limit', 'require_review', 'suspend', 'lift', 'expire'])), ''),
  };
  let filters = {};
  const results = h('div', {});
  const show = (error) =>
    render(
      results,
      message(
        error.status === 503 ? 'The actions service is not running in this API process.' : error.message,
        'error',
      ),
    );
  const page = async (cursor) => {
    const { actions, next_cursor } = await api(`/v1/actions${qs({ ...filters, limit: 50, cursor })}`);
    return { rows: actions, next_cursor };
  };
  const load = cursorList(results, page, (rows) => table(COLUMNS, rows, { empty: 'No actions.' }), show);
  const breaker = await api('/v1/actions/breaker').catch(() => null);
  render(
    main,
    h('h1', {}, 'Actions log'),
    breaker ? breakerBox(breaker) : '',
    filterForm(controls, (values) => {
      filters = values;
      load().catch(show);
    }),
    results,
  );
  await load().catch(show);
}
