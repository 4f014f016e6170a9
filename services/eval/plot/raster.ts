import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixel } from './font.ts';
import { encodePng } from './png.ts';

export type Rgb = readonly [number, number, number];

/** An RGB pixel canvas with the few drawing operations a line plot needs. */
export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.pixels.set(background, i * 3);
  }

  set(x: number, y: number, color: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.pixels.set(color, (yi * this.width + xi) * 3);
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let dy = 0; dy < h; dy++) for (let dx = 0; dx < w; dx++) this.set(x + dx, y + dy, color);
  }

  /** A line `thickness` pixels wide; `dash` draws on/off segments of that many pixels. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1, dash = 0): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = Math.floor(thickness / 2);
    for (let i = 0; i <= steps; i++) {
      if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      this.fillRect(Math.round(x) - half, Math.round(y) - half, thickness, thickness, color);
    }
  }

  /** Text in the 5×7 font, `scale` pixels per font pixel; returns the width drawn. */
  text(x: number, y: number, text: string, color: Rgb, scale = 1): number {
    const advance = (GLYPH_WIDTH + 1) * scale;
    [...text].forEach((char, i) => {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        for (let row = 0; row < GLYPH_HEIGHT; row++) {
          if (glyphPixel(char, col, row))
            this.fillRect(x + i * advance + col * scale, y + row * scale, scale, scale, color);
        }
      }
    });
    return text.length * advance;
  }

  static textWidth(text: string, scale = 1): number {
    return text.length * (GLYPH_WIDTH + 1) * scale;
  }

  toPng(): Buffer {
    return encodePng(this.width, this.height, this.pixels);
  }
}
