// What Threadline expects of a model's ONNX graph: input `features` [N, F] of float, outputs
// `score` [N] and `contributions` [N, F]. Checked when a version built elsewhere is registered.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const ONNX_CONTRACT = { input: 'features', score: 'score', contributions: 'contributions' } as const;

/** Why the bytes break the contract for `featureCount` features, or null when they keep it. */
export function onnxContractViolation(bytes: Uint8Array, featureCount: number): string | null {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return 'the bytes are not an ONNX model';
  }
  const graph = model.graph;
  if (!graph) return 'the ONNX model has no graph';
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  if (inputs.length !== 1 || inputs[0]!.name !== ONNX_CONTRACT.input) return `the graph must take one input named "${ONNX_CONTRACT.input}"`;
  const dims = inputs[0]!.type?.tensorType?.shape?.dim ?? [];
  const width = dims[1]?.dimValue;
  if (dims.length !== 2 || Number(width) !== featureCount) return `the input must be [N, ${featureCount}] to match the feature spec`;
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  if (!outputs.has(ONNX_CONTRACT.score) || !outputs.has(ONNX_CONTRACT.contributions)) return `the graph must output "${ONNX_CONTRACT.score}" [N] and "${ONNX_CONTRACT.contributions}" [N, F]`;
  return null;
}
