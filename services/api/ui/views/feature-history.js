import { panelChart } from '../chart.js';
import { h } from '../dom.js';

/** Feature snapshots of the first key around an alert: the score and each reason feature in its own panel. */
export function featureHistoryFigure(history, raisedAt) {
  const key = history.points[0]?.api_key_id;
  const points = history.points.filter((p) => p.api_key_id === key);
  const series = [
    { name: 'score', points: points.map((p) => [p.ts_ms, p.score]) },
    ...history.features.map((f, i) => ({ name: f, points: points.map((p) => [p.ts_ms, p.values[i]]) })),
  ];
  return h(
    'figure',
    { class: 'card' },
    panelChart(series, { marker: Date.parse(raisedAt) }),
    h(
      'figcaption',
      {},
      key
        ? `Key ${key}, a day before to an hour after the alert (UTC, event time; dashed line: raised; one scale per panel)`
        : 'No feature snapshots',
    ),
  );
}
