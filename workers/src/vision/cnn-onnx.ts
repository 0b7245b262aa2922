// The vision network as an ONNX graph (opset 17): input `image` [N, 1, S, S] of standardised grey
// pixels, output `score` [N]. The image's eight views (Transpose for the quarter turn, Slice with
// step −1 for the flips) go through the network as one batch of 8N: Conv/Relu/MaxPool, …, Conv/Relu,
// GlobalMaxPool beside GlobalAveragePool, Gemm; the eight margins of each image are averaged
// (Reshape [8, N], ReduceMean) before the Sigmoid: the `score` of cnn.ts, batch normalisation folded
// into the convolutions.
import { IMAGE_INPUT } from '@threadline/db/vision/image-spec';
import { ONNX_CONTRACT } from '@threadline/db/models/onnx-contract';
import { GraphBuilder, int, ints, onnx, valueInfo } from '../ml/onnx-graph.ts';
import { foldNorm, type VisionNet } from './cnn.ts';
import { SYMMETRIES } from './dihedral.ts';

/** The input under the square's eight symmetries: as it lies and turned (its transpose), each unflipped, flipped across, down and both. */
function eightViews(g: GraphBuilder, size: number): string[] {
  // A slice from the last row or column back past the first (ends below −size clamp to before index 0).
  g.ints('flip_starts', [-1]);
  g.ints('flip_ends', [-(size + 1)]);
  g.ints('flip_step', [-1]);
  g.ints('axis_rows', [2]);
  g.ints('axis_cols', [3]);
  const flip = (input: string, axis: 'rows' | 'cols', name: string) => g.op('Slice', [input, 'flip_starts', 'flip_ends', `axis_${axis}`, 'flip_step'], name);
  const turned = g.op('Transpose', [IMAGE_INPUT], 'turned', [ints('perm', [0, 1, 3, 2])]);
  return [IMAGE_INPUT, turned].flatMap((view) => {
    const across = flip(view, 'cols', `${view}_across`);
    return [view, across, flip(view, 'rows', `${view}_down`), flip(across, 'rows', `${view}_both`)];
  });
}

export function exportVisionOnnx(trained: VisionNet, name: string): Uint8Array {
  const net = foldNorm(trained);
  const g = new GraphBuilder();
  let current = g.op('Concat', eightViews(g, net.size), 'views', [int('axis', 0)]);
  net.conv.forEach((layer, l) => {
    g.floats(`conv${l}_w`, [layer.outChannels, layer.inChannels, 3, 3], layer.weights);
    g.floats(`conv${l}_b`, [layer.outChannels], layer.bias);
    const conv = g.op('Conv', [current, `conv${l}_w`, `conv${l}_b`], `conv${l}`, [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]);
    current = g.op('Relu', [conv], `relu${l}`);
    if (l < net.conv.length - 1) current = g.op('MaxPool', [current], `pool${l}`, [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]);
  });
  const maxima = g.op('Flatten', [g.op('GlobalMaxPool', [current], 'global_max')], 'maxima', [int('axis', 1)]);
  const means = g.op('Flatten', [g.op('GlobalAveragePool', [current], 'global_mean')], 'means', [int('axis', 1)]);
  const pooled = g.op('Concat', [maxima, means], 'pooled', [int('axis', 1)]);
  g.floats('dense_w', [1, net.dense.weights.length], net.dense.weights);
  g.floats('dense_b', [1], [net.dense.bias]);
  const margins = g.op('Gemm', [pooled, 'dense_w', 'dense_b'], 'view_margins', [int('transB', 1)]);
  g.ints('by_view', [SYMMETRIES, -1]);
  const margin = g.op('ReduceMean', [g.op('Reshape', [margins, 'by_view'], 'margins_by_view')], 'margin', [ints('axes', [0]), int('keepdims', 0)]);
  g.op('Sigmoid', [margin], ONNX_CONTRACT.score);
  const graph = onnx.GraphProto.create({
    name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(IMAGE_INPUT, ['N', 1, net.size, net.size])],
    output: [valueInfo(ONNX_CONTRACT.score, ['N'])],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'threadline',
    producerVersion: '1',
    graph,
    metadataProps: [{ key: 'threadline.family', value: 'CNN' }],
  });
  return onnx.ModelProto.encode(proto).finish();
}
