import { api } from '../api.js';
import { badge, fmtNum, fmtTime, h, link, render, table } from '../dom.js';

const MEMBER_COLUMNS = [
  { label: 'Key', cell: (m) => link(m.api_key_id, 'key', m.api_key_id) },
  { label: 'Org', cell: (m) => m.org_id ?? '—' },
  { label: 'Requests', cell: (m) => fmtNum(m.requests) },
  { label: 'Output tokens', cell: (m) => fmtNum(m.output_tokens) },
  { label: 'First seen', cell: (m) => fmtTime(m.first_seen) },
  { label: 'Last seen', cell: (m) => fmtTime(m.last_seen) },
];

const SHARED_COLUMNS = [
  { label: 'Shared', cell: (s) => s.link.replace('_', ' ') },
  { label: 'Value', cell: (s) => h('code', {}, s.value) },
  { label: 'Keys', cell: (s) => s.keys.flatMap((k, i) => [i ? ', ' : '', link(k, 'key', k)]) },
  { label: 'Events', cell: (s) => fmtNum(s.events) },
];

/** A cluster alert: its member keys and what they share (templates, system prompts, IPs, ASNs). */
export async function showCluster(main, alertId) {
  const c = await api(`/v1/clusters/${encodeURIComponent(alertId)}`);
  render(
    main,
    h('h1', {}, 'Cluster ', h('code', {}, alertId), ' ', badge(c.alert.severity)),
    h(
      'p',
      {},
      link('Alert page', 'alert', alertId),
      h(
        'span',
        { class: 'muted' },
        ` · ${c.alert.category} · window ${fmtTime(c.window.from)} – ${fmtTime(c.window.to)}`,
      ),
    ),
    h('h2', {}, `Members (${c.members.length})`),
    table(MEMBER_COLUMNS, c.members),
    h('h2', {}, 'Shared evidence'),
    table(SHARED_COLUMNS, c.shared, { empty: 'The members share no template, prompt, IP or ASN in the window.' }),
  );
}
