import { api, qs } from '../api.js';
import { badge, field, fmtTime, h, message, render, select, table } from '../dom.js';

const DAY_MS = 86_400_000;

/** Suppression (allowlist) rules: active ones, a form to add one, delete with a reason kept in the audit. */
export async function showSuppressions(main) {
  const status = h('div', { id: 'suppression-status' });
  const { suppressions } = await api(`/v1/suppressions${qs({ all: 'false' })}`);
  const reload = (notice) =>
    showSuppressions(main).then(() => notice && render(document.getElementById('suppression-status'), notice));
  const remove = (rule) => async () => {
    try {
      await api(`/v1/suppressions/${encodeURIComponent(rule.suppression_id)}`, { method: 'DELETE' });
      await reload(message(`Deleted the ${rule.scope} rule for ${rule.value}.`, 'ok'));
    } catch (error) {
      render(status, message(error.message, 'error'));
    }
  };
  const columns = [
    { label: 'Scope', cell: (r) => badge(r.scope) },
    { label: 'Value', cell: (r) => h('code', {}, r.value) },
    { label: 'Reason', cell: (r) => r.reason },
    { label: 'Created by', cell: (r) => r.created_by },
    { label: 'Created (UTC)', cell: (r) => fmtTime(r.created_at) },
    { label: 'Expires (UTC)', cell: (r) => fmtTime(r.expires_at) },
    { label: '', cell: (r) => h('button', { type: 'button', onclick: remove(r) }, 'Delete') },
  ];
  const scope = select(
    'scope',
    [
      ['key', 'key'],
      ['org', 'org'],
      ['feature', 'feature (top reason)'],
    ],
    'key',
  );
  const value = h('input', { name: 'value', required: true, placeholder: 'api_key_id, org_id or feature' });
  const reason = h('input', { name: 'reason', required: true, size: 40 });
  const days = h('input', { name: 'days', type: 'number', min: 1, max: 365, value: 30, size: 4 });
  const create = async (event) => {
    event.preventDefault();
    try {
      const expires_at = new Date(Date.now() + Number(days.value) * DAY_MS).toISOString();
      await api('/v1/suppressions', {
        method: 'POST',
        body: { scope: scope.value, value: value.value.trim(), reason: reason.value.trim(), expires_at },
      });
      await reload(message('Rule added; new alerts it covers are stored as suppressed.', 'ok'));
    } catch (error) {
      render(status, message(error.message, 'error'));
    }
  };
  render(
    main,
    h('h1', {}, 'Suppressions'),
    h(
      'p',
      { class: 'muted' },
      'Suppressed alerts stay queryable (queue filter "with suppressed") but are not queued or acted on.',
    ),
    status,
    h(
      'form',
      { class: 'filters card', onsubmit: create },
      field('Scope', scope),
      field('Value', value),
      field('Reason', reason),
      field('Days', days),
      h('button', { type: 'submit' }, 'Add rule'),
    ),
    table(columns, suppressions, { empty: 'No active rules.' }),
  );
}
