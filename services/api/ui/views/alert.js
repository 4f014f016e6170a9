import { api } from '../api.js';
import { badge, field, fmtNum, fmtTime, h, link, message, meter, render, select, table } from '../dom.js';
import { featureHistoryFigure } from './feature-history.js';

const REASON_COLUMNS = [
  { label: 'Feature', cell: (r) => r.feature },
  { label: 'Value', cell: (r) => fmtNum(r.value) },
  { label: 'Baseline', cell: (r) => fmtNum(r.baseline) },
  { label: 'Percentile', cell: (r) => fmtNum(r.percentile, 1) },
  { label: 'Contribution', cell: (r) => meter(r.contribution, `${Math.round(r.contribution * 100)}%`) },
  { label: 'Scorer', cell: (r) => r.scorer },
  { label: 'Detail', cell: (r) => r.detail ?? '' },
];

const EVIDENCE_COLUMNS = [
  { label: 'Time (UTC)', cell: (e) => fmtTime(e.ts_ms) },
  { label: 'Key', cell: (e) => link(e.api_key_id, 'key', e.api_key_id) },
  { label: 'Model', cell: (e) => e.model },
  { label: 'In/out tokens', cell: (e) => `${e.input_tokens} / ${e.output_tokens}` },
  {
    label: 'Prompt (preview)',
    cell: (e) =>
      h(
        'span',
        { class: 'prompt' },
        e.prompt_withheld ? '(withheld: your role may not read prompts)' : e.prompt_preview || '(not shipped)',
      ),
  },
  { label: 'SimHash', cell: (e) => e.prompt_simhash },
  { label: 'IP / ASN', cell: (e) => `${e.client_ip || '—'} / ${e.client_asn ?? '—'}` },
  { label: 'Country', cell: (e) => e.client_country },
];

const HISTORY_COLUMNS = [
  { label: 'Time (UTC)', cell: (c) => fmtTime(c.at) },
  { label: 'Actor', cell: (c) => c.actor },
  { label: 'Action', cell: (c) => c.action },
  { label: 'Status', cell: (c) => `${c.before?.status ?? '—'} → ${c.after?.status ?? '—'}` },
  { label: 'Label / note', cell: (c) => [c.after?.label ?? '', c.after?.note ? ` · ${c.after.note}` : ''] },
];

function facts(a, caseId) {
  const rows = [
    ['Case', caseId ? link(caseId, 'case', caseId) : '— (not folded yet, or suppressed)'],
    ['Kind', a.kind],
    ['Category', a.category],
    ['Score', fmtNum(a.score, 3)],
    ['Raised (event time)', fmtTime(a.raised_at)],
    ['Keys', a.api_key_ids.flatMap((k, i) => [i ? ', ' : '', link(k, 'key', k)])],
    ['Orgs', a.org_ids.join(', ')],
    ['Status', [badge(a.status), a.suppressed ? badge('suppressed') : '']],
    ['Assignee', a.assignee ?? '—'],
    ['Label', a.label ?? '—'],
    ['Note', a.note || '—'],
    ['Escalates', a.escalates ? link(a.escalates, 'alert', a.escalates) : '—'],
  ];
  if (a.kind === 'cluster') rows.push(['Cluster', link('members and shared evidence', 'cluster', a.alert_id)]);
  return h(
    'dl',
    { class: 'facts' },
    rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function triageForm(a, status, reload) {
  const act = (path, body) => async () => {
    try {
      const result = await api(`/v1/alerts/${encodeURIComponent(a.alert_id)}/${path}`, { method: 'POST', body });
      const lifted = result?.lifted_actions;
      if (result?.lift_error) await reload(message(`Resolved, but ${result.lift_error}.`, 'error'));
      else
        await reload(
          lifted ? message(`Resolved. Lifted ${lifted.length} automatic action(s).`, 'ok') : message('Saved.', 'ok'),
        );
    } catch (error) {
      render(status, message(error.message, 'error'));
    }
  };
  const assignee = h('input', { name: 'assignee', value: a.assignee ?? '', placeholder: 'analyst' });
  const label = select(
    'label',
    [
      ['true_positive', 'true positive'],
      ['false_positive', 'false positive'],
      ['benign_heavy_user', 'benign heavy user'],
    ],
    'true_positive',
  );
  const note = h('textarea', { name: 'note', rows: 2, cols: 40, placeholder: 'note' });
  if (a.status === 'resolved')
    return h(
      'div',
      { class: 'card triage' },
      h('p', {}, `Resolved as ${a.label}.`),
      h('button', { type: 'button', onclick: () => act('reopen', { note: 'reopened' })() }, 'Reopen'),
    );
  return h(
    'div',
    { class: 'card triage' },
    h('button', { type: 'button', onclick: act('acknowledge', {}), disabled: a.status !== 'open' }, 'Acknowledge'),
    h(
      'span',
      { class: 'group' },
      assignee,
      h(
        'button',
        { type: 'button', onclick: () => act('assign', { assignee: assignee.value.trim() || null })() },
        'Assign',
      ),
    ),
    h(
      'span',
      { class: 'group' },
      field('Label', label),
      field('Note', note),
      h(
        'button',
        { type: 'button', id: 'resolve', onclick: () => act('resolve', { label: label.value, note: note.value })() },
        'Resolve',
      ),
    ),
  );
}

/** One alert: facts, triage actions, reasons, feature history chart, evidence events and audit trail. */
export async function showAlert(main, alertId, notice) {
  const status = h('div', { id: 'alert-status' }, notice ?? '');
  const [detail, inCase] = await Promise.all([
    api(`/v1/alerts/${encodeURIComponent(alertId)}`),
    api(`/v1/alerts/${encodeURIComponent(alertId)}/case`),
  ]);
  const a = detail.alert;
  const reload = (msg) => showAlert(main, alertId, msg);
  render(
    main,
    h('h1', {}, 'Alert ', h('code', {}, a.alert_id), ' ', badge(a.severity)),
    status,
    facts(a, inCase?.case_id),
    triageForm(a, status, reload),
    h('h2', {}, 'Reasons'),
    table(REASON_COLUMNS, a.reasons),
    h('h2', {}, 'Feature history'),
    featureHistoryFigure(detail.feature_history, a.raised_at),
    h('h2', {}, `Evidence events (${detail.evidence.length})`),
    table(EVIDENCE_COLUMNS, detail.evidence, { empty: 'No evidence events stored.' }),
    h('h2', {}, 'History'),
    table(HISTORY_COLUMNS, detail.history),
  );
}
