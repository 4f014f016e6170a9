import { Raster, type Rgb } from './raster.ts';

export interface Series {
  name: string;
  color: Rgb;
  points: readonly (readonly [number, number])[];
  /** Draw as a step function (CDFs) instead of straight segments. */
  step?: boolean;
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

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];
const MARGIN = { left: 64, right: 24, top: 44, bottom: 52 };

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

/** Renders a line plot with axes, grid, ticks, title and legend to PNG bytes. */
export function renderLinePlot(plot: LinePlot): Buffer {
  const width = plot.width ?? 720;
  const height = plot.height ?? 480;
  const r = new Raster(width, height);
  const area = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
  const px = (x: number) => area.x + ((x - plot.x[0]) / (plot.x[1] - plot.x[0])) * area.w;
  const py = (y: number) => area.y + area.h - ((y - plot.y[0]) / (plot.y[1] - plot.y[0])) * area.h;
  drawAxes(r, plot, area, px, py);
  for (const m of plot.markers ?? []) {
    r.line(px(m.x), area.y, px(m.x), area.y + area.h, [150, 150, 150], 1, 4);
    r.text(px(m.x) + 4, area.y + 4, m.label, [110, 110, 110]);
  }
  for (const s of plot.series) drawSeries(r, s, px, py, plot);
  drawLegend(r, plot.series, area, plot.legend ?? 'bottom-right');
  return r.toPng();
}

type Area = { x: number; y: number; w: number; h: number };

function drawAxes(r: Raster, plot: LinePlot, a: Area, px: (x: number) => number, py: (y: number) => number): void {
  for (const t of niceTicks(plot.x[0], plot.x[1])) {
    r.line(px(t), a.y, px(t), a.y + a.h, GRID);
    r.line(px(t), a.y + a.h, px(t), a.y + a.h + 4, INK);
    const label = formatTick(t);
    r.text(px(t) - Raster.textWidth(label) / 2, a.y + a.h + 8, label, INK);
  }
  for (const t of niceTicks(plot.y[0], plot.y[1])) {
    r.line(a.x, py(t), a.x + a.w, py(t), GRID);
    r.line(a.x - 4, py(t), a.x, py(t), INK);
    const label = formatTick(t);
    r.text(a.x - 8 - Raster.textWidth(label), py(t) - 3, label, INK);
  }
  r.line(a.x, a.y, a.x, a.y + a.h, INK);
  r.line(a.x, a.y + a.h, a.x + a.w, a.y + a.h, INK);
  r.text((r.width - Raster.textWidth(plot.title, 2)) / 2, 12, plot.title, INK, 2);
  r.text(a.x + (a.w - Raster.textWidth(plot.xLabel)) / 2, a.y + a.h + 28, plot.xLabel, INK);
  r.text(6, a.y - 14, plot.yLabel, INK);
}

function drawSeries(r: Raster, s: Series, px: (x: number) => number, py: (y: number) => number, plot: LinePlot): void {
  const clampX = (x: number) => Math.min(plot.x[1], Math.max(plot.x[0], x));
  const clampY = (y: number) => Math.min(plot.y[1], Math.max(plot.y[0], y));
  for (let i = 1; i < s.points.length; i++) {
    const [x0, y0] = s.points[i - 1]!;
    const [x1, y1] = s.points[i]!;
    if (s.step) {
      r.line(px(clampX(x0)), py(clampY(y0)), px(clampX(x1)), py(clampY(y0)), s.color, 2, s.dash);
      r.line(px(clampX(x1)), py(clampY(y0)), px(clampX(x1)), py(clampY(y1)), s.color, 2, s.dash);
    } else {
      r.line(px(clampX(x0)), py(clampY(y0)), px(clampX(x1)), py(clampY(y1)), s.color, 2, s.dash);
    }
  }
}

function drawLegend(r: Raster, series: readonly Series[], a: Area, corner: 'bottom-left' | 'bottom-right'): void {
  const rowHeight = 14;
  const w = Math.max(...series.map((s) => Raster.textWidth(s.name))) + 40;
  const x = corner === 'bottom-left' ? a.x + 8 : a.x + a.w - w - 8;
  const y = a.y + a.h - series.length * rowHeight - 14;
  r.fillRect(x, y, w, series.length * rowHeight + 8, [250, 250, 250]);
  series.forEach((s, i) => {
    const rowY = y + 6 + i * rowHeight;
    r.line(x + 6, rowY + 3, x + 26, rowY + 3, s.color, 2, s.dash);
    r.text(x + 32, rowY, s.name, INK);
  });
}
