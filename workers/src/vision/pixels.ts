// From frame bytes to the network's input: decode the JPEG or PNG (pure JavaScript decoders with
// memory and resolution limits), convert to grey (Rec. 601 luma), resize to the spec's side by
// averaging the source pixels each target pixel covers (bilinear when enlarging), and standardise
// per image (zero mean, unit deviation), which takes out the station's brightness and contrast.
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major grey levels in [0, 1]. */
  pixels: Float32Array;
}

/** Largest frame decoded, in megapixels (frame-format.ts already bounds each side). */
const MAX_MEGAPIXELS = 40;

export function decodeFrame(bytes: Uint8Array, contentType: string): GreyImage {
  const rgba =
    contentType === 'image/png'
      ? PNG.sync.read(Buffer.from(bytes))
      : jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 512 });
  const { width, height, data } = rgba;
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (0.299 * data[4 * i]! + 0.587 * data[4 * i + 1]! + 0.114 * data[4 * i + 2]!) / 255;
  return { width, height, pixels };
}

/** The image resized to side × side. */
export function resize(image: GreyImage, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const sx = image.width / side;
  const sy = image.height / side;
  if (sx >= 1 && sy >= 1) {
    // Area averaging: each target pixel is the mean of the source pixels it covers.
    for (let y = 0; y < side; y += 1) {
      const y0 = Math.floor(y * sy);
      const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
      for (let x = 0; x < side; x += 1) {
        const x0 = Math.floor(x * sx);
        const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
        let sum = 0;
        for (let yy = y0; yy < y1; yy += 1) for (let xx = x0; xx < x1; xx += 1) sum += image.pixels[yy * image.width + xx]!;
        out[y * side + x] = sum / ((y1 - y0) * (x1 - x0));
      }
    }
    return out;
  }
  for (let y = 0; y < side; y += 1) {
    const fy = Math.min(image.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    for (let x = 0; x < side; x += 1) {
      const fx = Math.min(image.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const at = (yy: number, xx: number) => image.pixels[yy * image.width + xx]!;
      const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * (fx - x0);
      const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * (fx - x0);
      out[y * side + x] = top + (bottom - top) * (fy - y0);
    }
  }
  return out;
}

/** Zero mean and unit deviation, in place (a flat image stays flat at 0). */
export function standardise(pixels: Float32Array): Float32Array {
  let mean = 0;
  for (const p of pixels) mean += p;
  mean /= pixels.length;
  let variance = 0;
  for (const p of pixels) variance += (p - mean) ** 2;
  const deviation = Math.sqrt(variance / pixels.length) || 1;
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (pixels[i]! - mean) / deviation;
  return pixels;
}

/** What the network takes from a frame's bytes. */
export const networkInput = (bytes: Uint8Array, contentType: string, side: number): Float32Array => standardise(resize(decodeFrame(bytes, contentType), side));
