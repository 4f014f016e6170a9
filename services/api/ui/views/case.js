import { api, me } from '../api.js';
import { badge, field, fmtNum, fmtTime, h, link, message, render, select, table } from '../dom.js';
import { featureHistoryFigure } from './feature-history.js';

const ALERT_COLUMNS = [
  { label: 'Raised (UTC, event time)', cell: (a) => fmtTime(a.raised_at) },
  { label: 'Severity', cell: (a) => badge(a.severity) },
  { label: 'Score', cell: (a) => fmtNum(a.score, 2) },
  { label: 'Category', cell: (a) => a.category },
  {
    label: 'Keys',
    cell: (a) => (a.api_key_ids.length > 3 ? `${a.api_key_ids.length} keys` : a.api_key_ids.join(', ')),
  },
  { label: '', cell: (a) => link('Alert', 'alert', a.alert_id) },
];

const MEMBER_COLUMNS = [
  { label: 'Key', cell: (m) => link(m.api_key_id, 'key', m.api_key_id) },
  { label: 'Gateway decision', cell: (m) => (m.decision === 'unknown' ? '—' : badge(m.decision)) },
];

const EVENT_COLUMNS = [
  { label: 'Time (UTC, event time)', cell: (e) => fmtTime(e.ts_ms) },
  { label: 'Key', cell: (e) => link(e.api_key_id, 'key', e.api_key_id) },
  { label: 'Model', cell: (e) => e.model },
  { label: 'In/out tokens', cell: (e) => `${fmtNum(e.input_tokens)} / ${fmtNum(e.output_tokens)}` },
  {
    label: 'Prompt (preview)',
    cell: (e) =>
      h(
        'span',
        { class: 'prompt' },
        e.prompt_withheld ? '(withheld: your role may not read prompts)' : e.prompt_preview || '(not shipped)',
      ),
  },
  {
    label: 'IP / ASN / country',
    cell: (e) => `${e.client_ip || '—'} / ${e.client_asn ?? '—'} / ${e.client_country || '—'}`,
  },
];

const HISTORY_COLUMNS = [
  { label: 'Time (UTC, wall clock)', cell: (c) => fmtTime(c.at) },
  { label: 'Actor', cell: (c) => c.actor },
  { label: 'Action', cell: (c) => c.action },
  { label: 'Label / note', cell: (c) => [c.after?.label ?? '', c.after?.note ? ` · ${c.after.note}` : ''] },
];

function title(c) {
  return c.kind === 'key' ? `Key ${c.api_key_ids[0]}` : `Cluster of ${c.api_key_ids.length} keys`;
}

function facts(c) {
  const rows = [
    ['Status', [badge(c.status), c.merged_into ? [' into ', link(c.merged_into, 'case', c.merged_into)] : '']],
    ['Score (highest)', fmtNum(c.score, 3)],
    ['Alerts', fmtNum(c.alert_count)],
    ['Categories', c.categories.join(', ')],
    ['First evidence (UTC, event time)', fmtTime(c.opened_at)],
    ['Last evidence (UTC, event time)', fmtTime(c.last_evidence_at)],
    ['Gateway', c.gateway.decision === 'unknown' ? '—' : badge(c.gateway.decision)],
  ];
  if (c.kind === 'key') rows.push(['Key', link(c.api_key_ids[0], 'key', c.api_key_ids[0])]);
  if (c.label) rows.push(['Resolution', `${c.label} by ${c.resolved_by} at ${fmtTime(c.resolved_at)} (UTC)`]);
  if (c.note) rows.push(['Note', c.note]);
  return h(
    'dl',
    { class: 'facts' },
    rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function reasonsSection(reasons) {
  return reasons.map((r) =>
    h(
      'section',
      { class: 'card reasons' },
      h(
        'h3',
        {},
        r.category.replaceAll('_', ' '),
        ' ',
        h('span', { class: 'muted small' }, link('strongest alert', 'alert', r.alert_id)),
      ),
      h(
        'ul',
        {},
        r.sentences.map((s) => h('li', { class: `reason reason-${s.kind}` }, s.text)),
      ),
    ),
  );
}

function outcomeText(result) {
  const parts = [`Resolved as ${result.case.label.replaceAll('_', ' ')}.`];
  if (result.enforced_actions.length)
    parts.push(
      `Enforced: ${result.enforced_actions.map((a) => `${a.action} (${a.mode}) on ${a.api_key_id}`).join(', ')}.`,
    );
  if (result.lifted_actions.length) parts.push(`Lifted ${result.lifted_actions.length} automatic action(s).`);
  if (result.skipped.length)
    parts.push(`Not acted on: ${result.skipped.map((s) => `${s.api_key_id} (${s.reason})`).join('; ')}.`);
  if (result.action_error) parts.push(result.action_error);
  return parts.join(' ');
}

/** A modal form: label, note, and "enforce" (only with a true positive) through the actions policy. */
function resolveDialog(c, onDone) {
  const label = select(
    'label',
    [
      ['true_positive', 'true positive'],
      ['false_positive', 'false positive (lifts its automatic actions)'],
      ['benign_heavy_user', 'benign heavy user (lifts its automatic actions)'],
    ],
    'true_positive',
  );
  const note = h('textarea', { name: 'note', rows: 3, cols: 48, placeholder: 'note' });
  const enforce = h('input', { type: 'checkbox', name: 'enforce', checked: true });
  const status = h('div', {});
  label.addEventListener('change', () => {
    enforce.disabled = label.value !== 'true_positive';
    if (enforce.disabled) enforce.checked = false;
  });
  const dialog = h(
    'dialog',
    { id: 'resolve-dialog', 'aria-label': 'Resolve case' },
    h(
      'form',
      {
        method: 'dialog',
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const result = await api(`/v1/cases/${encodeURIComponent(c.case_id)}/resolve`, {
              method: 'POST',
              body: { label: label.value, note: note.value, enforce: enforce.checked },
            });
            dialog.close();
            await onDone(message(outcomeText(result), result.action_error ? 'error' : 'ok'));
          } catch (error) {
            render(status, message(error.message, 'error'));
          }
        },
      },
      h('h2', {}, 'Resolve case'),
      field('Label', label),
      field('Note', note),
      h(
        'label',
        { class: 'check' },
        enforce,
        ' Enforce: act on ',
        c.kind === 'key' ? 'the key' : `all ${c.api_key_ids.length} keys`,
        ' through the actions policy (dry-run, audit and lift as for automatic actions)',
      ),
      status,
      h(
        'p',
        { class: 'buttons' },
        h('button', { type: 'submit', id: 'resolve-submit' }, 'Resolve'),
        h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      ),
    ),
  );
  return dialog;
}

function actedText(result) {
  const done = result.actions.map((a) => `${a.action} (${a.mode}) on ${a.api_key_id}`);
  const skipped = result.skipped.map((x) => `${x.api_key_id}: ${x.reason}`);
  return [
    done.length ? `Done: ${done.join(', ')}.` : 'Nothing applied.',
    skipped.length ? ` Skipped: ${skipped.join('; ')}.` : '',
  ].join('');
}

/** Throttle before deciding: the key's recommended limit, or every member of a cluster (lifted on a benign resolution). */
function actNow(c, reload) {
  const reason = `case ${c.case_id}: throttled from the case page while under review`;
  const [label, path, body] =
    c.kind === 'key'
      ? [
          'Apply recommended throttle',
          `/v1/keys/${encodeURIComponent(c.api_key_ids[0])}/actions/apply-recommendation`,
          { reason, source_id: c.case_id },
        ]
      : [
          `Throttle every member (${c.api_key_ids.length})`,
          '/v1/actions/throttle',
          { api_key_ids: c.api_key_ids, reason, source_id: c.case_id },
        ];
  const act = async () => {
    try {
      await reload(message(actedText(await api(path, { method: 'POST', body })), 'ok'));
    } catch (error) {
      await reload(message(error.message, 'error'));
    }
  };
  return h('button', { type: 'button', id: 'act-now', onclick: act }, label);
}

/** Analysts may run the key-scoped Investigate queries for keys with alerts, so every reader gets the link. */
function evidenceSection(detail) {
  const { from, to } = detail.investigate;
  const more = detail.members
    .slice(0, 5)
    .flatMap((m, i) => [i ? ', ' : '', link(m.api_key_id, 'investigate', 'events', m.api_key_id, from, to)]);
  return [
    h('h2', {}, `Latest evidence events (${detail.evidence.length})`),
    h(
      'p',
      { class: 'muted' },
      'Most recent events of the case’s keys up to its last evidence. Full sample in Investigate: ',
      more,
    ),
    table(EVENT_COLUMNS, detail.evidence, { empty: 'No events stored for these keys in the case’s range.' }),
  ];
}

/** One case: why (reasons in words), what the gateway does now, its members, alerts and evidence; resolve. */
export async function showCase(main, caseId, notice) {
  const [detail, principal] = await Promise.all([api(`/v1/cases/${encodeURIComponent(caseId)}`), me()]);
  const c = detail.case;
  const reload = (msg) => showCase(main, caseId, msg);
  const dialog = resolveDialog(c, reload);
  const canResolve = c.status === 'open' && (principal?.role === 'analyst' || principal?.role === 'admin');
  render(
    main,
    h('h1', {}, `Case: ${title(c)} `, badge(c.severity)),
    h('div', { id: 'case-status' }, notice ?? ''),
    facts(c),
    canResolve
      ? h(
          'p',
          { class: 'buttons' },
          h('button', { type: 'button', id: 'resolve', onclick: () => dialog.showModal() }, 'Resolve…'),
          ' ',
          actNow(c, reload),
        )
      : '',
    dialog,
    h('h2', {}, 'Why'),
    reasonsSection(detail.reasons),
    h('h2', {}, c.kind === 'key' ? 'Key' : `Member keys (${detail.members.length})`),
    table(MEMBER_COLUMNS, detail.members),
    h('h2', {}, 'Feature history'),
    featureHistoryFigure(
      detail.feature_history,
      detail.alerts.find((a) => a.alert_id === c.top_alert_id)?.raised_at ?? c.last_evidence_at,
    ),
    evidenceSection(detail),
    h(
      'h2',
      {},
      `Alerts (${c.alert_count}${detail.alerts.length < c.alert_count ? `, latest ${detail.alerts.length}` : ''})`,
    ),
    table(ALERT_COLUMNS, detail.alerts),
    h('h2', {}, 'History'),
    table(HISTORY_COLUMNS, detail.history, { empty: 'No changes yet.' }),
  );
}
