// Inline SVG charts built with createElementNS: small multiples, one panel and one y-scale per series, with axes.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];
const PAD = { left: 64, right: 12, top: 18, bottom: 22 };
const Y_TICKS = 3;
const X_TICKS = 4;

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

const TICK = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A y tick label: 1234 → "1.23k", 0.0042 → "0.0042". */
export function tickLabel(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${TICK.format(v / 1e6)}M`;
  if (a >= 1e4) return `${TICK.format(v / 1e3)}k`;
  return TICK.format(v);
}

const timeLabel = (t, span) => {
  const iso = new Date(t).toISOString();
  return span > 2 * 86_400_000 ? iso.slice(5, 16).replace('T', ' ') : iso.slice(11, 16);
};

function finiteValues(points) {
  return points.map((p) => p[1]).filter((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The y range of a panel: from 0 when all values are positive (so small changes are not exaggerated). */
function yRange(values) {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values);
  return hi === lo ? [lo, lo + 1] : [lo, hi];
}

function axes(root, box, x, y, lo, hi, t0, t1) {
  const { left, top, right, bottom } = box;
  root.append(svg('line', { x1: left, y1: bottom, x2: right, y2: bottom, class: 'axis' }));
  root.append(svg('line', { x1: left, y1: top, x2: left, y2: bottom, class: 'axis' }));
  for (let i = 0; i <= Y_TICKS; i++) {
    const v = lo + ((hi - lo) * i) / Y_TICKS;
    root.append(svg('line', { x1: left, y1: y(v), x2: right, y2: y(v), class: 'grid-line' }));
    root.append(svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick y-tick' }, tickLabel(v)));
  }
  for (let i = 0; i <= X_TICKS; i++) {
    const t = t0 + ((t1 - t0) * i) / X_TICKS;
    const anchor = i === 0 ? 'start' : i === X_TICKS ? 'end' : 'middle';
    root.append(
      svg('text', { x: x(t), y: bottom + 15, 'text-anchor': anchor, class: 'tick x-tick' }, timeLabel(t, t1 - t0)),
    );
  }
}

function panel(s, color, t0, t1, options) {
  const width = options.width ?? 720;
  const height = options.panelHeight ?? 120;
  const box = { left: PAD.left, top: PAD.top, right: width - PAD.right, bottom: height - PAD.bottom };
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${s.name} over time`,
  });
  const [lo, hi] = yRange(finiteValues(s.points));
  const x = (t) => box.left + ((t - t0) / (t1 - t0 || 1)) * (box.right - box.left);
  const y = (v) => box.bottom - ((v - lo) / (hi - lo)) * (box.bottom - box.top);
  root.append(svg('text', { x: box.left, y: 12, class: 'panel-title' }, s.name));
  axes(root, box, x, y, lo, hi, t0, t1);
  if (options.marker !== undefined && options.marker >= t0 && options.marker <= t1)
    root.append(
      svg('line', { x1: x(options.marker), y1: box.top, x2: x(options.marker), y2: box.bottom, class: 'marker' }),
    );
  const coords = s.points
    .filter((p) => typeof p[1] === 'number' && Number.isFinite(p[1]))
    .map((p) => [x(p[0]).toFixed(1), y(p[1]).toFixed(1)]);
  root.append(
    svg('polyline', {
      points: coords.map((c) => c.join(',')).join(' '),
      fill: 'none',
      stroke: color,
      'stroke-width': 2,
    }),
  );
  for (const [cx, cy] of coords) root.append(svg('circle', { cx, cy, r: 2.5, fill: color }));
  return root;
}

/**
 * `series`: [{ name, points: [[timeMs, value|null], …] }]. One panel per series on a shared time axis, each with
 * its own labelled y-axis, so features of different magnitude are read in their own units. `options.marker` (ms)
 * draws a dashed vertical line, e.g. when an alert was raised. Returns a container node.
 */
export function panelChart(series, options = {}) {
  const times = series.flatMap((s) => s.points.map((p) => p[0]));
  const box = document.createElement('div');
  box.className = 'panels';
  if (times.length === 0) {
    const empty = svg('svg', { viewBox: '0 0 720 40', class: 'chart', role: 'img', 'aria-label': 'no data' });
    empty.append(svg('text', { x: 360, y: 24, 'text-anchor': 'middle', class: 'chart-empty' }, 'no data in range'));
    box.append(empty);
    return box;
  }
  const t0 = Math.min(...times);
  const t1 = Math.max(...times) === t0 ? t0 + 60_000 : Math.max(...times);
  series.forEach((s, i) => {
    box.append(panel(s, COLORS[i % COLORS.length], t0, t1, options));
  });
  return box;
}
