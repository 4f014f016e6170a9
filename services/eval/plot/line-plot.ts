import { coord, el } from './svg-markup.ts';

export interface Series {
  name: string;
  /** A CSS colour, e.g. `#1f77b4`. */
  color: string;
  points: readonly (readonly [number, number])[];
  /** Draw as a step function (CDFs) instead of straight segments. */
  step?: boolean;
  /** Dash length in px (0 or absent: solid). */
  dash?: number;
}

export interface LinePlot {
  title: string;
  xLabel: string;
  yLabel: string;
  x: readonly [number, number];
  y: readonly [number, number];
  series: readonly Series[];
  /** Vertical reference lines, e.g. a 15-minute target. */
  markers?: readonly { x: number; label: string }[];
  /** Corner of the legend box (default bottom-right). */
  legend?: 'bottom-left' | 'bottom-right';
  width?: number;
  height?: number;
}

const INK = '#1e1e1e';
const GRID = '#e1e1e1';
const MUTED = '#6e6e6e';
const MARGIN = { left: 64, right: 24, top: 44, bottom: 52 };
/** Rough advance of a 12 px sans-serif character, to size the legend box. */
const CHAR_WIDTH = 6.6;

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  const raw = (hi - lo) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(10)));
  return ticks;
}

function formatTick(v: number): string {
  return Math.abs(v) >= 1000 ? `${v / 1000}k` : String(Number(v.toPrecision(3)));
}

type Area = { x: number; y: number; w: number; h: number };
type Scale = (v: number) => number;

/** Renders a line plot with axes, grid, ticks, title, markers and legend as a standalone SVG document. */
export function renderLinePlot(plot: LinePlot): string {
  const width = plot.width ?? 720;
  const height = plot.height ?? 480;
  const a: Area = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
  const px: Scale = (x) => a.x + ((x - plot.x[0]) / (plot.x[1] - plot.x[0])) * a.w;
  const py: Scale = (y) => a.y + a.h - ((y - plot.y[0]) / (plot.y[1] - plot.y[0])) * a.h;
  const body = [
    el('rect', { width, height, fill: '#ffffff' }),
    ...axes(plot, a, px, py, width),
    ...(plot.markers ?? []).flatMap((m) => [
      el('line', { x1: px(m.x), y1: a.y, x2: px(m.x), y2: a.y + a.h, stroke: '#969696', 'stroke-dasharray': 4 }),
      el('text', { x: px(m.x) + 4, y: a.y + 12, fill: MUTED }, m.label),
    ]),
    ...plot.series.map((s) => seriesLine(s, px, py, plot)),
    ...legend(plot.series, a, plot.legend ?? 'bottom-right'),
  ];
  return `${el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'font-family': 'sans-serif',
      'font-size': 12,
      role: 'img',
      'aria-label': plot.title,
    },
    body,
  )}\n`;
}

function axes(plot: LinePlot, a: Area, px: Scale, py: Scale, width: number): string[] {
  const bottom = a.y + a.h;
  const out: string[] = [];
  for (const t of niceTicks(plot.x[0], plot.x[1])) {
    out.push(el('line', { x1: px(t), y1: a.y, x2: px(t), y2: bottom, stroke: GRID }));
    out.push(el('line', { x1: px(t), y1: bottom, x2: px(t), y2: bottom + 4, stroke: INK }));
    out.push(el('text', { x: px(t), y: bottom + 18, 'text-anchor': 'middle', class: 'x-tick' }, formatTick(t)));
  }
  for (const t of niceTicks(plot.y[0], plot.y[1])) {
    out.push(el('line', { x1: a.x, y1: py(t), x2: a.x + a.w, y2: py(t), stroke: GRID }));
    out.push(el('line', { x1: a.x - 4, y1: py(t), x2: a.x, y2: py(t), stroke: INK }));
    out.push(el('text', { x: a.x - 8, y: py(t) + 4, 'text-anchor': 'end', class: 'y-tick' }, formatTick(t)));
  }
  out.push(el('line', { x1: a.x, y1: a.y, x2: a.x, y2: bottom, stroke: INK }));
  out.push(el('line', { x1: a.x, y1: bottom, x2: a.x + a.w, y2: bottom, stroke: INK }));
  const titleAttrs = { x: width / 2, y: 26, 'text-anchor': 'middle', 'font-size': 18, class: 'title' };
  out.push(el('text', titleAttrs, plot.title));
  out.push(el('text', { x: a.x + a.w / 2, y: bottom + 40, 'text-anchor': 'middle', class: 'x-label' }, plot.xLabel));
  out.push(el('text', { x: 6, y: a.y - 10, class: 'y-label' }, plot.yLabel));
  return out;
}

/** One polyline per series, clamped to the axes; a step series holds each value until the next point. */
function seriesLine(s: Series, px: Scale, py: Scale, plot: LinePlot): string {
  const clampX = (x: number) => Math.min(plot.x[1], Math.max(plot.x[0], x));
  const clampY = (y: number) => Math.min(plot.y[1], Math.max(plot.y[0], y));
  const vertices: [number, number][] = [];
  s.points.forEach(([x, y], i) => {
    const previous = s.points[i - 1];
    if (s.step && previous) vertices.push([clampX(x), clampY(previous[1])]);
    vertices.push([clampX(x), clampY(y)]);
  });
  return el('polyline', {
    points: vertices.map(([x, y]) => `${coord(px(x))},${coord(py(y))}`).join(' '),
    fill: 'none',
    stroke: s.color,
    'stroke-width': 2,
    'stroke-dasharray': s.dash ? s.dash : undefined,
    class: 'series',
  });
}

function legend(series: readonly Series[], a: Area, corner: 'bottom-left' | 'bottom-right'): string[] {
  if (series.length === 0) return [];
  const rowHeight = 16;
  const w = Math.max(...series.map((s) => s.name.length)) * CHAR_WIDTH + 44;
  const x = corner === 'bottom-left' ? a.x + 8 : a.x + a.w - w - 8;
  const y = a.y + a.h - series.length * rowHeight - 16;
  const box = { x, y, width: w, height: series.length * rowHeight + 8, fill: '#fafafa', stroke: GRID };
  return [
    el('rect', box),
    ...series.flatMap((s, i) => {
      const rowY = y + 12 + i * rowHeight;
      const dash = s.dash ? s.dash : undefined;
      return [
        el('line', {
          x1: x + 6,
          y1: rowY,
          x2: x + 28,
          y2: rowY,
          stroke: s.color,
          'stroke-width': 2,
          'stroke-dasharray': dash,
        }),
        el('text', { x: x + 34, y: rowY + 4, class: 'legend' }, s.name),
      ];
    }),
  ];
}
