import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niceTicks, renderLinePlot } from '../../../services/eval/plot/line-plot.ts';
import { el, escapeXml } from '../../../services/eval/plot/svg-markup.ts';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) => {
  assert.doesNotMatch(s, /&(?!(amp|lt|gt|quot|apos);)/, `bare & in ${s}`);
  return s.replace(/&(\w+);/g, (_, name: string) => ENTITIES[name] ?? '');
};
const ATTR = /\s+([\w:-]+)="([^"<]*)"/y;

/** A strict parser for the XML subset the plots use: elements, attributes, text; throws when not well-formed. */
function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, text: '', children: [] };
  const stack = [root];
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const text = xml.slice(at, lt < 0 ? xml.length : lt);
    assert.doesNotMatch(text, />/, 'bare > in text');
    stack.at(-1)!.text += decode(text);
    if (lt < 0) break;
    const close = /^<\/([\w:-]+)\s*>/.exec(xml.slice(lt));
    if (close) {
      const open = stack.pop()!;
      assert.equal(close[1], open.name, `</${close[1]}> closes <${open.name}>`);
      at = lt + close[0].length;
      continue;
    }
    const name = /^<([\w:-]+)/.exec(xml.slice(lt));
    assert.ok(name, `bad tag at ${lt}`);
    const element: XmlElement = { name: name[1]!, attrs: {}, text: '', children: [] };
    ATTR.lastIndex = lt + name[0].length;
    for (let m = ATTR.exec(xml); m; m = ATTR.exec(xml)) {
      assert.ok(!(m[1]! in element.attrs), `attribute ${m[1]} twice`);
      element.attrs[m[1]!] = decode(m[2]!);
      at = ATTR.lastIndex;
    }
    at = Math.max(at, lt + name[0].length);
    const end = /^\s*(\/?)>/.exec(xml.slice(at));
    assert.ok(end, `unterminated <${element.name}> at ${lt}`);
    at += end[0].length;
    stack.at(-1)!.children.push(element);
    if (!end[1]) stack.push(element);
  }
  assert.equal(stack.length, 1, `unclosed <${stack.at(-1)?.name}>`);
  assert.equal(root.text.trim(), '', 'text outside the root element');
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0]!;
}

const all = (e: XmlElement): XmlElement[] => [e, ...e.children.flatMap(all)];
const byClass = (e: XmlElement, c: string) => all(e).filter((x) => x.attrs.class === c);

describe('SVG markup', () => {
  it('escapes text and attribute values', () => {
    assert.equal(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    assert.equal(
      el('text', { x: 1.26, note: 'a&b', skip: undefined }, '<x>'),
      '<text x="1.3" note="a&amp;b">&lt;x&gt;</text>',
    );
  });

  it('the test parser rejects markup that is not well-formed', () => {
    assert.throws(() => parseXml('<svg><g></svg>'));
    assert.throws(() => parseXml('<svg>a & b</svg>'));
    assert.throws(() => parseXml('<svg a="1" a="2"/>'));
    assert.throws(() => parseXml('<svg/><svg/>'));
  });
});

describe('line plot', () => {
  it('picks round ticks', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 240), [0, 50, 100, 150, 200]);
  });

  const plot = renderLinePlot({
    title: 'Time to detect <all> & more',
    xLabel: 'minutes',
    yLabel: 'share',
    x: [0, 100],
    y: [0, 1],
    width: 400,
    height: 300,
    markers: [{ x: 15, label: '15 min' }],
    series: [
      {
        name: 'detector',
        color: '#c80a0a',
        step: true,
        points: [
          [0, 0],
          [10, 0.5],
          [100, 0.5],
        ],
      },
      {
        name: 'rate "limit"',
        color: '#1f77b4',
        dash: 5,
        points: [
          [0, 0],
          [250, 2],
        ],
      },
    ],
  });
  const svg = parseXml(plot);

  it('is one well-formed <svg> document of the requested size', () => {
    assert.equal(svg.name, 'svg');
    assert.equal(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(svg.attrs.viewBox, '0 0 400 300');
    assert.equal(all(svg).filter((e) => e.name === 'svg').length, 1);
  });

  it('draws one polyline per series, steps held, points clamped to the axes', () => {
    const lines = byClass(svg, 'series');
    assert.deepEqual(
      lines.map((l) => [l.name, l.attrs.stroke, l.attrs['stroke-dasharray']]),
      [
        ['polyline', '#c80a0a', undefined],
        ['polyline', '#1f77b4', '5'],
      ],
    );
    // area: x 64..376, y 44..248; the step holds 0 until x = 10 (a vertex at (10, 0)) and 0.5 until x = 100.
    assert.equal(lines[0]!.attrs.points, '64,248 95.2,248 95.2,146 376,146 376,146');
    assert.equal(lines[1]!.attrs.points, '64,248 376,44');
  });

  it('labels the title, both axes, the ticks, the marker and the legend', () => {
    assert.equal(byClass(svg, 'title')[0]!.text, 'Time to detect <all> & more');
    assert.equal(byClass(svg, 'x-label')[0]!.text, 'minutes');
    assert.equal(byClass(svg, 'y-label')[0]!.text, 'share');
    assert.deepEqual(
      byClass(svg, 'x-tick').map((t) => t.text),
      ['0', '20', '40', '60', '80', '100'],
    );
    assert.deepEqual(
      byClass(svg, 'y-tick').map((t) => t.text),
      ['0', '0.2', '0.4', '0.6', '0.8', '1'],
    );
    assert.ok(all(svg).some((e) => e.name === 'text' && e.text === '15 min'));
    assert.deepEqual(
      byClass(svg, 'legend').map((t) => t.text),
      ['detector', 'rate "limit"'],
    );
  });
});
