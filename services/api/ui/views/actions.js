import { api, qs } from '../api.js';
import { badge, field, fmtTime, h, link, message, render, select, table } from '../dom.js';

const COLUMNS = [
  { label: 'Time (UTC)', cell: (a) => fmtTime(a.created_at_ms) },
  { label: 'Key', cell: (a) => link(a.api_key_id, 'key', a.api_key_id) },
  { label: 'Org', cell: (a) => a.org_id },
  { label: 'Action', cell: (a) => badge(a.action) },
  { label: 'Mode', cell: (a) => a.mode },
  { label: 'Limits', cell: (a) => [a.rpm ? `${a.rpm} rpm ` : '', a.tpm ? `${a.tpm} tpm` : ''] },
  { label: 'Actor', cell: (a) => a.actor },
  { label: 'Reason', cell: (a) => a.reason },
  { label: 'Alert', cell: (a) => (a.alert_id ? link(a.alert_id, 'alert', a.alert_id) : '—') },
  { label: 'Expires', cell: (a) => fmtTime(a.expires_at_ms) },
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
  const filters = {
    api_key_id: h('input', { name: 'api_key_id', placeholder: 'api_key_id' }),
    mode: select(
      'mode',
      [
        ['', 'any'],
        ['enforce', 'enforce'],
        ['dry_run', 'dry run'],
        ['recommendation', 'recommendation'],
      ],
      '',
    ),
    action: select(
      'action',
      [
        ['', 'any'],
        ['rate_limit', 'rate limit'],
        ['require_review', 'require review'],
        ['suspend', 'suspend'],
        ['lift', 'lift'],
        ['expire', 'expire'],
      ],
      '',
    ),
  };
  const results = h('div', {});
  let rows = [];
  const show = (error) =>
    render(
      results,
      message(
        error.status === 503 ? 'The actions service is not running in this API process.' : error.message,
        'error',
      ),
    );
  async function load(cursor) {
    const params = Object.fromEntries(Object.entries(filters).map(([k, c]) => [k, c.value.trim()]));
    const page = await api(`/v1/actions${qs({ ...params, limit: 50, cursor })}`);
    rows = cursor ? rows.concat(page.actions) : page.actions;
    const more = page.next_cursor
      ? h('button', { type: 'button', onclick: () => load(page.next_cursor).catch(show) }, 'More')
      : '';
    render(results, table(COLUMNS, rows, { empty: 'No actions.' }), more);
  }
  const breaker = await api('/v1/actions/breaker').catch(() => null);
  render(
    main,
    h('h1', {}, 'Actions log'),
    breaker ? breakerBox(breaker) : '',
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          load().catch(show);
        },
      },
      Object.entries(filters).map(([k, c]) => field(k, c)),
      h('button', { type: 'submit' }, 'Apply filters'),
    ),
    results,
  );
  await load().catch(show);
}
