// Building ONNX graphs with onnx-proto: a node and initializer list, attribute and value-info
// helpers, shared by the exporters of the table and telemetry families (onnx-export.ts) and of the
// vision network (vision/cnn-onnx.ts).
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

type Node = ReturnType<typeof onnx.NodeProto.create>;
type Tensor = ReturnType<typeof onnx.TensorProto.create>;
export type Attribute = ReturnType<typeof onnx.AttributeProto.create>;

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: FLOAT, floatData: Array.from(values) }));
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, int64Data: [...values] }));
    return name;
  }

  op(opType: string, inputs: string[], output: string, attribute: Attribute[] = [], domain = ''): string {
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [output], name: output, attribute, domain }));
    return output;
  }

  /** A node with several outputs (the tree ensemble's label and probabilities). */
  opMany(opType: string, inputs: string[], outputs: string[], attribute: Attribute[], domain: string): string[] {
    this.nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: outputs[0], attribute, domain }));
    return outputs;
  }
}

const { AttributeType } = onnx.AttributeProto;
export const ints = (name: string, values: readonly number[]) => onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...values] });
export const floats = (name: string, values: readonly number[]) => onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: [...values] });
export const int = (name: string, value: number) => onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
export const strings = (name: string, values: readonly string[]) =>
  onnx.AttributeProto.create({ name, type: AttributeType.STRINGS, strings: values.map((v) => new TextEncoder().encode(v)) });
export const text = (name: string, value: string) => onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });

export const valueInfo = (name: string, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
