// Camera frames for tests: a grey plate with sensor noise, and for a defective part a bright square
// at a known place, as PNG or JPEG bytes.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export const PLATE_SIDE = 64;
/** Side of a plate's defect square, in pixels. */
export const SPOT_SIDE = 10;

export function platePixels(random: () => number, spot: { x: number; y: number } | null, side = PLATE_SIDE): Uint8Array {
  const grey = Uint8Array.from({ length: side * side }, () => Math.round((0.3 + random() * 0.25) * 255));
  if (spot) for (let dy = 0; dy < SPOT_SIDE; dy += 1) for (let dx = 0; dx < SPOT_SIDE; dx += 1) grey[(spot.y + dy) * side + spot.x + dx] = 242;
  return grey;
}

export function plateFrame(random: () => number, spot: { x: number; y: number } | null, format: 'png' | 'jpeg' = 'png', side = PLATE_SIDE): Buffer {
  const grey = platePixels(random, spot, side);
  if (format === 'png') {
    const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    png.data = Buffer.from(grey);
    return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
  }
  const rgba = Buffer.alloc(side * side * 4, 255);
  grey.forEach((v, i) => rgba.fill(v, 4 * i, 4 * i + 3));
  return jpeg.encode({ data: rgba, width: side, height: side }, 90).data;
}
