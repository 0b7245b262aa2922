// What Threadline expects of a model's ONNX graph: at most MAX_ONNX_BYTES, every tensor inside the
// file (none that points at an external data file, which a runtime would read from its disk), input
// `features` [N, F] of float, outputs `score` [N] and `contributions` [N, F] (a vision model: input
// `image` [N, 1, H, W], output `score` [N]). Checked when a version
// built elsewhere is registered and again before any inference session is created.
import onnxProto from 'onnx-proto';
import { IMAGE_INPUT } from '../vision/image-spec.ts';

const { onnx } = onnxProto;

export const ONNX_CONTRACT = { input: 'features', score: 'score', contributions: 'contributions' } as const;
/** Threadline's models are kilobytes; 16 MiB leaves room for much larger ones built elsewhere. */
export const MAX_ONNX_BYTES = 16 * 1024 * 1024;

type Graph = NonNullable<ReturnType<typeof onnx.ModelProto.decode>['graph']>;
type Tensor = NonNullable<Graph['initializer']>[number];

const isExternal = (t: Tensor | null | undefined) =>
  Boolean(t && (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length > 0));

/** Whether any tensor of the graph, its nodes' attributes or their subgraphs lives in an external file. */
function referencesExternalData(graph: Graph | null | undefined): boolean {
  if (!graph) return false;
  if ((graph.initializer ?? []).some(isExternal) || (graph.sparseInitializer ?? []).some((s) => isExternal(s.values) || isExternal(s.indices))) return true;
  return (graph.node ?? []).some((node) =>
    (node.attribute ?? []).some(
      (a) => isExternal(a.t) || (a.tensors ?? []).some(isExternal) || referencesExternalData(a.g) || (a.graphs ?? []).some((g) => referencesExternalData(g)),
    ),
  );
}

/** The graph of bytes that are a self-contained ONNX model of bounded size, or why they are not. */
function containedGraph(bytes: Uint8Array): Graph | string {
  if (bytes.length > MAX_ONNX_BYTES) return `the ONNX model is ${bytes.length} bytes; at most ${MAX_ONNX_BYTES} are accepted`;
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return 'the bytes are not an ONNX model';
  }
  const graph = model.graph;
  if (!graph) return 'the ONNX model has no graph';
  if (referencesExternalData(graph) || (model.functions ?? []).some((f) => (f.node ?? []).some((n) => (n.attribute ?? []).some((a) => isExternal(a.t))))) {
    return 'the ONNX model refers to external data files; embed every tensor in the model';
  }
  return graph;
}

/** The dimensions of the graph's one input when it is named `name`, or why not. */
function soleInput(graph: Graph, name: string): (number | null)[] | string {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  if (inputs.length !== 1 || inputs[0]!.name !== name) return `the graph must take one input named "${name}"`;
  return (inputs[0]!.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue === undefined || d.dimValue === null ? null : Number(d.dimValue)));
}

const outputsOf = (graph: Graph) => new Set((graph.output ?? []).map((o) => o.name));

/** Why the bytes break the contract for `featureCount` features, or null when they keep it. */
export function onnxContractViolation(bytes: Uint8Array, featureCount: number): string | null {
  const graph = containedGraph(bytes);
  if (typeof graph === 'string') return graph;
  const dims = soleInput(graph, ONNX_CONTRACT.input);
  if (typeof dims === 'string') return dims;
  if (dims.length !== 2 || dims[1] !== featureCount) return `the input must be [N, ${featureCount}] to match the feature spec`;
  const outputs = outputsOf(graph);
  if (!outputs.has(ONNX_CONTRACT.score) || !outputs.has(ONNX_CONTRACT.contributions))
    return `the graph must output "${ONNX_CONTRACT.score}" [N] and "${ONNX_CONTRACT.contributions}" [N, F]`;
  return null;
}

/** Why the bytes break the vision contract (`image` [N, 1, size, size] in, `score` [N] out), or null. */
export function imageContractViolation(bytes: Uint8Array, size: number): string | null {
  const graph = containedGraph(bytes);
  if (typeof graph === 'string') return graph;
  const dims = soleInput(graph, IMAGE_INPUT);
  if (typeof dims === 'string') return dims;
  if (dims.length !== 4 || dims[1] !== 1 || dims[2] !== size || dims[3] !== size) return `the input must be [N, 1, ${size}, ${size}] to match the image spec`;
  if (!outputsOf(graph).has(ONNX_CONTRACT.score)) return `the graph must output "${ONNX_CONTRACT.score}" [N]`;
  return null;
}
