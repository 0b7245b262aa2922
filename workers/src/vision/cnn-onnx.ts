// The vision network as an ONNX graph (opset 17): input `image` [N, 1, S, S] of standardised grey
// pixels, output `score` [N]: Conv/Relu/MaxPool twice, Conv/Relu, GlobalMaxPool beside
// GlobalAveragePool, Gemm, Sigmoid: the forward pass of cnn.ts, its batch normalisation folded into
// the convolutions.
import { IMAGE_INPUT } from '@threadline/db/vision/image-spec';
import { ONNX_CONTRACT } from '@threadline/db/models/onnx-contract';
import { GraphBuilder, int, ints, onnx, valueInfo } from '../ml/onnx-graph.ts';
import { foldNorm, type VisionNet } from './cnn.ts';

export function exportVisionOnnx(trained: VisionNet, name: string): Uint8Array {
  const net = foldNorm(trained);
  const g = new GraphBuilder();
  let current = IMAGE_INPUT;
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
  const margin = g.op('Gemm', [pooled, 'dense_w', 'dense_b'], 'margin', [int('transB', 1)]);
  g.ints('flat', [-1]);
  g.op('Reshape', [g.op('Sigmoid', [margin], 'probability'), 'flat'], ONNX_CONTRACT.score);
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
