// DOM helpers that never parse markup: every value becomes a text node or an attribute, so data cannot inject HTML.

/** Creates an element; `attrs` keys starting with "on" become listeners, the rest attributes; children are nodes or text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value') el.value = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function render(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A link inside the app: the path parts are URI-encoded, so an id cannot change the route. */
export function link(text, ...parts) {
  return h('a', { href: `#/${parts.map((p) => encodeURIComponent(p)).join('/')}` }, text);
}

/** A table from column specs `{ label, cell(row) }`; a cell returns text or a node. */
export function table(columns, rows, options = {}) {
  const head = h(
    'tr',
    {},
    columns.map((c) => h('th', { scope: 'col' }, c.label)),
  );
  const body = rows.map((row) =>
    h(
      'tr',
      options.rowAttrs?.(row) ?? {},
      columns.map((c) => h('td', {}, c.cell(row))),
    ),
  );
  return h(
    'table',
    { class: options.className ?? 'grid' },
    h('thead', {}, head),
    h(
      'tbody',
      {},
      body.length
        ? body
        : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, options.empty ?? 'Nothing to show.')),
    ),
  );
}

export function fmtTime(value) {
  if (value === null || value === undefined || value === '') return '—';
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace('T', ' ').slice(0, 19);
}

export function fmtNum(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number.isInteger(value) ? String(value) : Number(value).toFixed(digits);
}

export function badge(text, kind = String(text)) {
  return h('span', { class: `badge badge-${kind.replace(/[^a-z_]/gi, '')}` }, text);
}

/** A labelled form field. */
export function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

/** A select; each option is `[value, text]` or a string that is both. */
export function select(name, options, value) {
  return h(
    'select',
    { name },
    options
      .map((o) => (typeof o === 'string' ? [o, o] : o))
      .map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
}

/** The "any" first option of a filter select. */
export const ANY = [['', 'any']];

/** The trimmed value of each control by name. */
export const formValues = (controls) =>
  Object.fromEntries(Object.entries(controls).map(([name, c]) => [name, c.value.trim()]));

/** A filter form: a labelled field per control and a submit button, which calls `onApply` with the trimmed values by name. */
export function filterForm(controls, onApply, button = 'Apply filters') {
  return h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        onApply(formValues(controls));
      },
    },
    Object.entries(controls).map(([name, control]) => field(name, control)),
    h('button', { type: 'submit' }, button),
  );
}

/**
 * A list paged by cursor into `results`: `fetchPage(cursor)` answers `{ rows, next_cursor }`, each page is appended,
 * `view(rows)` renders all so far, followed by a "More" button while there is a next page. Returns `load(cursor?)`;
 * without a cursor it starts again. A failed "More" goes to `show(error)`.
 */
export function cursorList(results, fetchPage, view, show) {
  let rows = [];
  async function load(cursor) {
    const page = await fetchPage(cursor);
    rows = cursor ? rows.concat(page.rows) : page.rows;
    const more = page.next_cursor
      ? h('button', { type: 'button', onclick: () => load(page.next_cursor).catch(show) }, 'More')
      : '';
    render(results, view(rows), more);
  }
  return load;
}

export function message(text, kind = 'info') {
  return h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A 0–1 share as a meter with its text (no inline styles: the page's CSP forbids them). */
export function meter(fraction, text) {
  const value = Math.max(0, Math.min(1, Number(fraction) || 0));
  return h('span', { class: 'meter' }, h('meter', { min: 0, max: 1, value }), ' ', text);
}
