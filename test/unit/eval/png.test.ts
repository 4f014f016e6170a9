import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { niceTicks, renderLinePlot } from '../../../services/eval/plot/line-plot.ts';
import { crc32, encodePng } from '../../../services/eval/plot/png.ts';

interface Chunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

function chunks(png: Buffer): Chunk[] {
  const out: Chunk[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crcOk = png.readUInt32BE(at + 8 + length) === crc32(png.subarray(at + 4, at + 8 + length));
    out.push({ type, data, crcOk });
    at += 12 + length;
  }
  return out;
}

describe('PNG encoder', () => {
  it('computes the standard CRC-32 check value', () => {
    assert.equal(crc32(Buffer.from('123456789', 'ascii')), 0xcbf43926);
  });

  it('writes signature, IHDR, IDAT and IEND with valid CRCs and the exact pixels', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const png = encodePng(3, 2, rgb);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    assert.deepEqual(
      list.map((c) => c.type),
      ['IHDR', 'IDAT', 'IEND'],
    );
    assert.ok(list.every((c) => c.crcOk));
    const ihdr = list[0]!.data;
    assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]], [3, 2, 8, 2]);
    const raw = inflateSync(list[1]!.data);
    assert.deepEqual([...raw], [0, ...rgb.subarray(0, 9), 0, ...rgb.subarray(9)]);
  });

  it('rejects a pixel buffer of the wrong size', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(5)), RangeError);
  });
});

describe('line plot', () => {
  it('picks round ticks', () => {
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 240), [0, 50, 100, 150, 200]);
  });

  it('renders a decodable PNG of the requested size with the series colour in it', () => {
    const png = renderLinePlot({
      title: 'T',
      xLabel: 'x',
      yLabel: 'y',
      x: [0, 1],
      y: [0, 1],
      width: 200,
      height: 150,
      series: [
        {
          name: 'a',
          color: [200, 10, 10],
          points: [
            [0, 0],
            [1, 1],
          ],
        },
      ],
    });
    const [ihdr, idat] = chunks(png);
    assert.equal(ihdr!.data.readUInt32BE(0), 200);
    const raw = inflateSync(idat!.data);
    let red = 0;
    for (let i = 0; i + 2 < raw.length; i++) if (raw[i] === 200 && raw[i + 1] === 10 && raw[i + 2] === 10) red++;
    assert.ok(red > 100, `only ${red} series pixels`);
  });
});
