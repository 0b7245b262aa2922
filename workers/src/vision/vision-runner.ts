// Runs a vision model with onnxruntime-node: one session per version, standardised images in,
// defect probabilities out. Bytes that break the vision contract are refused before a session is made.
import ort from 'onnxruntime-node';
import { imageContractViolation } from '@threadline/db/models/onnx-contract';
import { IMAGE_INPUT } from '@threadline/db/vision/image-spec';
import { ONNX_CONTRACT } from '@threadline/db/models/onnx-contract';

/**
 * Input pixels per run of the session. Every image becomes eight views, and each layer's output for
 * all of them is one tensor: a run stays fast while those fit the processor's caches. Measured on
 * two cores, frames per second at 128 × 128 fell from 673 one image a run to 131 fifty a run and 28
 * for a heat map's 225 occluded copies at once; at 64 × 64 four a run was fastest.
 */
const CHUNK_PIXELS = 16_384;

export class VisionRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly size: number,
  ) {}

  static async load(bytes: Uint8Array, size: number): Promise<VisionRunner> {
    const violation = imageContractViolation(bytes, size);
    if (violation) throw new Error(`Refused before loading: ${violation}.`);
    return new VisionRunner(await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' }), size);
  }

  /** Scores `count` images packed one after another in `images` (each size × size), a few per run of the session. */
  async run(images: Float32Array, count: number): Promise<Float32Array> {
    const area = this.size * this.size;
    if (images.length !== count * area) throw new Error(`expected ${count} images of ${this.size}×${this.size}, got ${images.length} values`);
    const chunk = Math.max(1, Math.floor(CHUNK_PIXELS / area));
    const scores = new Float32Array(count);
    for (let start = 0; start < count; start += chunk) {
      const n = Math.min(chunk, count - start);
      const input = new ort.Tensor('float32', images.subarray(start * area, (start + n) * area), [n, 1, this.size, this.size]);
      const out = await this.session.run({ [IMAGE_INPUT]: input });
      scores.set(out[ONNX_CONTRACT.score]!.data as Float32Array, start);
    }
    return scores;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Packs images into one Float32Array. */
export function packImages(images: readonly Float32Array[]): Float32Array {
  const area = images[0]?.length ?? 0;
  const packed = new Float32Array(images.length * area);
  images.forEach((image, i) => packed.set(image, i * area));
  return packed;
}
