// Synthetic camera frames of machined housings, for the simulator's inspection stations, the demo's
// vision model and the vision bench: a round flange seen from above with a central bore and four
// bolt holes, turned rings on its face, on a dark conveyor, under light that varies in brightness,
// direction and fall-off, shifted and turned from part to part, with sensor noise. A defective part
// has one defect: a scratch (a thin bright or dark line), a dent (a small shaded dimple) or a
// missing feature (a bolt hole not drilled). Each frame says where its defect is.
import { seededRandom } from '@threadline/db/random';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export const DEFECT_KINDS = ['SCRATCH', 'DENT', 'MISSING_HOLE'] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

export interface PartFrame {
  side: number;
  /** Grey levels in [0, 1], row-major. */
  pixels: Float32Array;
  defect: { kind: DefectKind; box: { x: number; y: number; width: number; height: number } } | null;
}

export interface PartOptions {
  side?: number;
  /** Share of defective parts. */
  defectRate?: number;
  /** Force the defect kind (or none) of the next part. */
  defect?: DefectKind | null;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** A source of parts; the same seed gives the same parts. */
export class PartGenerator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  private between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.random();
  }

  private gaussian(): number {
    return Math.sqrt(-2 * Math.log(Math.max(this.random(), 1e-12))) * Math.cos(2 * Math.PI * this.random());
  }

  next(options: PartOptions = {}): PartFrame {
    const side = options.side ?? 128;
    const kind =
      options.defect !== undefined
        ? options.defect
        : this.random() < (options.defectRate ?? 0.5)
          ? DEFECT_KINDS[Math.floor(this.random() * DEFECT_KINDS.length)]!
          : null;
    const cx = side / 2 + this.between(-0.08, 0.08) * side;
    const cy = side / 2 + this.between(-0.08, 0.08) * side;
    const radius = side * this.between(0.33, 0.38);
    const bore = radius * this.between(0.3, 0.36);
    const holeRing = radius * this.between(0.66, 0.72);
    const holeRadius = radius * this.between(0.08, 0.1);
    const turn = this.between(0, Math.PI / 2);
    const brightness = this.between(0.55, 1.1);
    const lightAngle = this.between(0, 2 * Math.PI);
    const gradient = this.between(0, 0.25);
    const noise = this.between(0.01, 0.035);
    const holes = [0, 1, 2, 3].map((k) => ({ x: cx + holeRing * Math.cos(turn + (k * Math.PI) / 2), y: cy + holeRing * Math.sin(turn + (k * Math.PI) / 2) }));
    const missing = kind === 'MISSING_HOLE' ? Math.floor(this.random() * 4) : -1;

    const pixels = new Float32Array(side * side);
    for (let y = 0; y < side; y += 1) {
      for (let x = 0; x < side; x += 1) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const r = Math.hypot(dx, dy);
        const light = brightness * (1 + gradient * ((dx * Math.cos(lightAngle) + dy * Math.sin(lightAngle)) / (side / 2)));
        let v: number;
        if (r > radius) v = 0.12 + 0.04 * Math.sin(x * 0.9) * Math.sin(y * 0.7);
        else if (r < bore) v = 0.08;
        else {
          // Turned face: faint concentric rings, a lighter chamfer at the rim and the bore.
          v = 0.62 + 0.035 * Math.sin(r * 1.7) + (r > radius - 2 || r < bore + 2 ? 0.12 : 0);
          for (const [k, hole] of holes.entries()) if (k !== missing && Math.hypot(x + 0.5 - hole.x, y + 0.5 - hole.y) < holeRadius) v = 0.1;
        }
        pixels[y * side + x] = v * light;
      }
    }
    const defect = kind ? this.paintDefect(pixels, side, kind, { cx, cy, radius, bore, holes, missing, holeRadius, brightness }) : null;
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = clamp01(pixels[i]! + noise * this.gaussian());
    return { side, pixels, defect };
  }

  private paintDefect(
    pixels: Float32Array,
    side: number,
    kind: DefectKind,
    part: { cx: number; cy: number; radius: number; bore: number; holes: { x: number; y: number }[]; missing: number; holeRadius: number; brightness: number },
  ): NonNullable<PartFrame['defect']> {
    if (kind === 'MISSING_HOLE') {
      const hole = part.holes[part.missing]!;
      const r = part.holeRadius;
      return { kind, box: { x: Math.floor(hole.x - r), y: Math.floor(hole.y - r), width: Math.ceil(2 * r), height: Math.ceil(2 * r) } };
    }
    // A point on the face, between the bore and the rim.
    const angle = this.between(0, 2 * Math.PI);
    const at = this.between(part.bore + 0.15 * part.radius, 0.85 * part.radius);
    const px = part.cx + at * Math.cos(angle);
    const py = part.cy + at * Math.sin(angle);
    const onFace = (x: number, y: number) => {
      const r = Math.hypot(x - part.cx, y - part.cy);
      return r > part.bore && r < part.radius;
    };
    let minX = side;
    let minY = side;
    let maxX = 0;
    let maxY = 0;
    const mark = (x: number, y: number, delta: number) => {
      const xi = Math.round(x);
      const yi = Math.round(y);
      if (xi < 0 || yi < 0 || xi >= side || yi >= side || !onFace(xi, yi)) return;
      pixels[yi * side + xi]! += delta * part.brightness;
      [minX, minY, maxX, maxY] = [Math.min(minX, xi), Math.min(minY, yi), Math.max(maxX, xi), Math.max(maxY, yi)];
    };
    if (kind === 'SCRATCH') {
      const length = part.radius * this.between(0.35, 0.7);
      const direction = this.between(0, Math.PI);
      const sign = this.random() < 0.5 ? -1 : 1;
      const depth = sign * this.between(0.3, 0.5);
      const width = Math.max(1, side / 64);
      for (let t = -length / 2; t <= length / 2; t += 0.5) {
        const x = px + t * Math.cos(direction);
        const y = py + t * Math.sin(direction);
        for (let w = -width / 2; w <= width / 2; w += 0.5) mark(x - w * Math.sin(direction), y + w * Math.cos(direction), depth / (1 + Math.abs(w)));
      }
    } else {
      // A dent: a dimple lit from one side, dark on the other.
      const r = part.radius * this.between(0.11, 0.16);
      const lit = this.between(0, 2 * Math.PI);
      const strength = this.between(0.35, 0.5);
      for (let y = Math.floor(py - r); y <= Math.ceil(py + r); y += 1) {
        for (let x = Math.floor(px - r); x <= Math.ceil(px + r); x += 1) {
          const d = Math.hypot(x - px, y - py) / r;
          if (d >= 1) continue;
          const facing = ((x - px) * Math.cos(lit) + (y - py) * Math.sin(lit)) / r;
          mark(x, y, strength * facing * (1 - d * d) - 0.08 * (1 - d));
        }
      }
    }
    return { kind, box: { x: minX, y: minY, width: Math.max(1, maxX - minX + 1), height: Math.max(1, maxY - minY + 1) } };
  }
}

/** The frame as PNG bytes (grey). */
export function encodePng(frame: Pick<PartFrame, 'side' | 'pixels'>): Buffer {
  const png = new PNG({ width: frame.side, height: frame.side, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const grey = Buffer.alloc(frame.side * frame.side);
  for (let i = 0; i < grey.length; i += 1) grey[i] = Math.round(frame.pixels[i]! * 255);
  png.data = grey;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** The frame as JPEG bytes, as most inspection cameras send. */
export function encodeJpeg(frame: Pick<PartFrame, 'side' | 'pixels'>, quality = 90): Buffer {
  const data = Buffer.alloc(frame.side * frame.side * 4);
  for (let i = 0; i < frame.side * frame.side; i += 1) {
    const v = Math.round(frame.pixels[i]! * 255);
    data[4 * i] = v;
    data[4 * i + 1] = v;
    data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return jpeg.encode({ data, width: frame.side, height: frame.side }, quality).data;
}
