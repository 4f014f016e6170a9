// A small inline SVG line chart: one polyline per series over a shared time axis, built with createElementNS.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/**
 * `series`: [{ name, points: [[timeMs, value|null], …] }]. Each series is scaled to its own range so features of
 * different magnitude share one chart; the legend shows each series' min and max. `options.marker` (ms) draws a
 * vertical line, e.g. at the time an alert was raised.
 */
export function lineChart(series, options = {}) {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const pad = { left: 8, right: 8, top: 10, bottom: 22 };
  const times = series.flatMap((s) => s.points.map((p) => p[0]));
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': options.label ?? 'timeline',
  });
  if (times.length === 0) {
    root.append(
      svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'no data in range'),
    );
    return { svg: root, legend: [] };
  }
  const t0 = Math.min(...times);
  const t1 = Math.max(...times) || t0 + 1;
  const x = (t) => pad.left + ((t - t0) / (t1 - t0 || 1)) * (width - pad.left - pad.right);
  root.append(
    svg('line', {
      x1: pad.left,
      y1: height - pad.bottom,
      x2: width - pad.right,
      y2: height - pad.bottom,
      class: 'axis',
    }),
  );
  root.append(
    svg(
      'text',
      { x: pad.left, y: height - 6, class: 'tick' },
      new Date(t0).toISOString().slice(0, 16).replace('T', ' '),
    ),
  );
  root.append(
    svg(
      'text',
      { x: width - pad.right, y: height - 6, 'text-anchor': 'end', class: 'tick' },
      new Date(t1).toISOString().slice(0, 16).replace('T', ' '),
    ),
  );
  if (options.marker !== undefined && options.marker >= t0 && options.marker <= t1)
    root.append(
      svg('line', {
        x1: x(options.marker),
        y1: pad.top,
        x2: x(options.marker),
        y2: height - pad.bottom,
        class: 'marker',
      }),
    );
  const legend = series.map((s, i) => drawSeries(root, s, COLORS[i % COLORS.length], x, height, pad));
  return { svg: root, legend };
}

function drawSeries(root, s, color, x, height, pad) {
  const values = s.points.map((p) => p[1]).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const span = height - pad.top - pad.bottom - 4;
  // A constant series is drawn mid-height so it does not hide under the axis.
  const y = (v) => height - pad.bottom - 2 - (hi === lo ? span / 2 : ((v - lo) / (hi - lo)) * span);
  const finite = s.points.filter((p) => typeof p[1] === 'number' && Number.isFinite(p[1]));
  const coords = finite.map((p) => [x(p[0]).toFixed(1), y(p[1]).toFixed(1)]);
  root.append(
    svg('polyline', {
      points: coords.map((c) => c.join(',')).join(' '),
      fill: 'none',
      stroke: color,
      'stroke-width': 2,
    }),
  );
  for (const [cx, cy] of coords) root.append(svg('circle', { cx, cy, r: 2.5, fill: color }));
  return { name: s.name, color, min: lo, max: hi };
}

/** A small colour square for legends (an SVG attribute, not an inline style). */
export function swatch(color) {
  const root = svg('svg', { width: 10, height: 10, class: 'swatch', 'aria-hidden': 'true' });
  root.append(svg('rect', { width: 10, height: 10, fill: color }));
  return root;
}
