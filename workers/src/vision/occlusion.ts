// The heat map of a vision score: a square patch (the spec's occlusion patch, in model pixels) set
// to the image's mean (0 after standardisation) is moved over the image by the spec's stride, and
// each position's cell gets how much the score drops without it; all occluded copies are scored in
// one run. Cells are scaled to the largest drop (1), so the map shows where the evidence lies
// whatever the score; the peak is where hiding the image lowers the score most.
import type { ImageSpec } from '@threadline/db/vision/image-spec';
import type { HeatMap } from '@threadline/db/vision/frame-scoring';

/** The positions the patch takes along one side. */
const positions = (size: number, patch: number, stride: number) => Math.floor((size - patch) / stride) + 1;

/** The occluded copies of an image, row-major by patch position. */
export function occludedCopies(image: Float32Array, spec: Pick<ImageSpec, 'size' | 'occlusion'>): Float32Array {
  const { size } = spec;
  const { patch, stride } = spec.occlusion;
  const n = positions(size, patch, stride);
  const area = size * size;
  const copies = new Float32Array(n * n * area);
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) {
      const offset = (r * n + c) * area;
      copies.set(image, offset);
      for (let y = r * stride; y < r * stride + patch; y += 1) copies.fill(0, offset + y * size + c * stride, offset + y * size + c * stride + patch);
    }
  }
  return copies;
}

/** The heat map from the image's score and its occluded copies' scores. */
export function heatMapOf(score: number, occludedScores: ArrayLike<number>, spec: Pick<ImageSpec, 'size' | 'occlusion'>): HeatMap {
  const { size } = spec;
  const { patch, stride } = spec.occlusion;
  const n = positions(size, patch, stride);
  const drops = Array.from({ length: n * n }, (_, i) => Math.max(0, score - occludedScores[i]!));
  const strength = Math.max(...drops);
  const peakAt = drops.indexOf(strength);
  const [row, col] = [Math.floor(peakAt / n), peakAt % n];
  return {
    rows: n,
    cols: n,
    cells: drops.map((d) => (strength > 0 ? Math.round((1000 * d) / strength) / 1000 : 0)),
    peak: { x: (col * stride) / size, y: (row * stride) / size, width: patch / size, height: patch / size },
    strength: Math.round(strength * 1e4) / 1e4,
  };
}
