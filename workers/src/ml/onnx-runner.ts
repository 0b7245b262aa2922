// Runs an exported model with onnxruntime-node: one session per model, a batch of feature rows in,
// scores and per-feature contributions out. Bytes that break the ONNX contract (too large, external
// data files, wrong inputs or outputs) are refused before a session is created.
import ort from 'onnxruntime-node';
import { onnxContractViolation } from '@threadline/db/models/onnx-contract';
import { ONNX_INPUT, ONNX_OUTPUTS } from './onnx-export.ts';

export interface ScoredBatch {
  scores: Float32Array;
  /** Row-major [rows × features]. */
  contributions: Float32Array;
}

export class OnnxRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly featureCount: number,
  ) {}

  static async load(bytes: Uint8Array, featureCount: number): Promise<OnnxRunner> {
    const violation = onnxContractViolation(bytes, featureCount);
    if (violation) throw new Error(`Refused before loading: ${violation}.`);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    return new OnnxRunner(session, featureCount);
  }

  /** Scores `rows` feature rows packed row-major in `features`. */
  async run(features: Float32Array, rows: number): Promise<ScoredBatch> {
    if (features.length !== rows * this.featureCount) throw new Error(`expected ${rows} × ${this.featureCount} features, got ${features.length} values`);
    const out = await this.session.run({ [ONNX_INPUT]: new ort.Tensor('float32', features, [rows, this.featureCount]) });
    return { scores: out[ONNX_OUTPUTS.score]!.data as Float32Array, contributions: out[ONNX_OUTPUTS.contributions]!.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Packs rows into one Float32Array. */
export function packRows(rows: readonly ArrayLike<number>[], featureCount: number): Float32Array {
  const packed = new Float32Array(rows.length * featureCount);
  rows.forEach((row, i) => packed.set(row, i * featureCount));
  return packed;
}

/** Every row's score through a graph, a thousand rows at a time, in one session released afterwards. */
export async function scoreAllRows(onnx: Uint8Array, width: number, rows: readonly Float64Array[]): Promise<number[]> {
  const runner = await OnnxRunner.load(onnx, width);
  try {
    const scores: number[] = [];
    for (let start = 0; start < rows.length; start += 1_000) {
      const batch = rows.slice(start, start + 1_000);
      const out = await runner.run(packRows(batch, width), batch.length);
      scores.push(...Array.from(out.scores.subarray(0, batch.length)));
    }
    return scores;
  } finally {
    await runner.release();
  }
}
