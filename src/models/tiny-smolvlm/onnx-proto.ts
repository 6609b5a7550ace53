// The part of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2) that a
// small inference graph needs, declared with protobufjs's reflection API, plus a graph builder.
// Field numbers and enum values are onnx.proto's; fields we never write are left out (a reader
// skips nothing: absent optional fields are simply absent). The encoding is deterministic:
// protobufjs writes fields in declaration order, and we never write maps or timestamps.
// Tensors go into `raw_data` as little-endian bytes, as onnx.proto asks for raw_data.

import protobuf from 'protobufjs';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

const packed = { packed: true };

const schema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { id: 1, type: 'int64' },
            producer_name: { id: 2, type: 'string' },
            producer_version: { id: 3, type: 'string' },
            domain: { id: 4, type: 'string' },
            model_version: { id: 5, type: 'int64' },
            doc_string: { id: 6, type: 'string' },
            graph: { id: 7, type: 'GraphProto' },
            opset_import: { id: 8, rule: 'repeated', type: 'OperatorSetIdProto' },
            metadata_props: { id: 14, rule: 'repeated', type: 'StringStringEntryProto' },
          },
        },
        OperatorSetIdProto: { fields: { domain: { id: 1, type: 'string' }, version: { id: 2, type: 'int64' } } },
        StringStringEntryProto: { fields: { key: { id: 1, type: 'string' }, value: { id: 2, type: 'string' } } },
        GraphProto: {
          fields: {
            node: { id: 1, rule: 'repeated', type: 'NodeProto' },
            name: { id: 2, type: 'string' },
            initializer: { id: 5, rule: 'repeated', type: 'TensorProto' },
            doc_string: { id: 10, type: 'string' },
            input: { id: 11, rule: 'repeated', type: 'ValueInfoProto' },
            output: { id: 12, rule: 'repeated', type: 'ValueInfoProto' },
          },
        },
        NodeProto: {
          fields: {
            input: { id: 1, rule: 'repeated', type: 'string' },
            output: { id: 2, rule: 'repeated', type: 'string' },
            name: { id: 3, type: 'string' },
            op_type: { id: 4, type: 'string' },
            attribute: { id: 5, rule: 'repeated', type: 'AttributeProto' },
            domain: { id: 7, type: 'string' },
          },
        },
        AttributeProto: {
          fields: {
            name: { id: 1, type: 'string' },
            f: { id: 2, type: 'float' },
            i: { id: 3, type: 'int64' },
            t: { id: 5, type: 'TensorProto' },
            floats: { id: 7, rule: 'repeated', type: 'float' },
            ints: { id: 8, rule: 'repeated', type: 'int64' },
            type: { id: 20, type: 'int32' },
          },
        },
        TensorProto: {
          fields: {
            dims: { id: 1, rule: 'repeated', type: 'int64' },
            data_type: { id: 2, type: 'int32' },
            float_data: { id: 4, rule: 'repeated', type: 'float', options: packed },
            int64_data: { id: 7, rule: 'repeated', type: 'int64', options: packed },
            name: { id: 8, type: 'string' },
            raw_data: { id: 9, type: 'bytes' },
          },
        },
        ValueInfoProto: { fields: { name: { id: 1, type: 'string' }, type: { id: 2, type: 'TypeProto' } } },
        TypeProto: {
          fields: { tensor_type: { id: 1, type: 'TypeProtoTensor' } },
        },
        TypeProtoTensor: {
          fields: { elem_type: { id: 1, type: 'int32' }, shape: { id: 2, type: 'TensorShapeProto' } },
        },
        TensorShapeProto: { fields: { dim: { id: 1, rule: 'repeated', type: 'Dimension' } } },
        Dimension: { fields: { dim_value: { id: 1, type: 'int64' }, dim_param: { id: 2, type: 'string' } } },
      },
    },
  },
};

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');
  return modelType;
}

/** A dimension: a fixed size, or a symbolic name such as `batch_size`. */
export type Dim = number | string;

export interface TensorProto {
  name: string;
  data_type: DataTypeId;
  dims: number[];
  raw_data: Uint8Array;
}

interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: DataTypeId; shape: { dim: Array<{ dim_value: number } | { dim_param: string }> } } };
}

type AttributeProto =
  | { name: string; type: 1; f: number }
  | { name: string; type: 2; i: number }
  | { name: string; type: 4; t: TensorProto }
  | { name: string; type: 6; floats: number[] }
  | { name: string; type: 7; ints: number[] };

interface NodeProto {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** A float attribute whose value happens to be integral (plain integers become INT attributes). */
export interface FloatAttr {
  float: number;
}

export type AttrValue = number | number[] | FloatAttr;

export function floatAttr(value: number): FloatAttr {
  return { float: value };
}

function attribute(name: string, value: AttrValue): AttributeProto {
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float };
  return Number.isInteger(value) ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.FLOAT, f: value };
}

/** A float32 tensor from numbers, stored little-endian whatever the host's byte order. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  checkSize(name, dims, values.length);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, data_type: DataType.FLOAT, dims, raw_data: bytes };
}

export function int64Tensor(name: string, dims: number[], values: ArrayLike<number | bigint>): TensorProto {
  checkSize(name, dims, values.length);
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]), true);
  return { name, data_type: DataType.INT64, dims, raw_data: bytes };
}

function checkSize(name: string, dims: number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) throw new Error(`tensor ${name}: dims [${dims}] need ${expected} values, got ${length}`);
}

export interface OpOptions {
  attrs?: Record<string, AttrValue>;
  /** Output names; by default one fresh name. */
  outputs?: string[];
}

/**
 * Builds one graph. `op` appends a node and returns its first output's name, so graphs read as
 * expressions: `g.op('MatMul', [x, w])`. Names are made unique with a counter, so the same
 * construction always yields the same names (and bytes).
 */
export function createGraph(name: string) {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  const names = new Set<string>();
  let counter = 0;

  function valueInfo(valueName: string, elemType: DataTypeId, dims: Dim[]): ValueInfo {
    const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
    return { name: valueName, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
  }

  function claim(valueName: string): string {
    if (names.has(valueName)) throw new Error(`graph ${name}: duplicate value name ${valueName}`);
    names.add(valueName);
    return valueName;
  }

  return {
    input(valueName: string, elemType: DataTypeId, dims: Dim[]): string {
      inputs.push(valueInfo(claim(valueName), elemType, dims));
      return valueName;
    },
    output(valueName: string, elemType: DataTypeId, dims: Dim[]): void {
      outputs.push(valueInfo(valueName, elemType, dims));
    },
    /** Adds a constant (weights or a small shape/index tensor) and returns its name. */
    init(tensor: TensorProto): string {
      initializers.push({ ...tensor, name: claim(tensor.name) });
      return tensor.name;
    },
    op(opType: string, opInputs: string[], options: OpOptions = {}): string {
      const id = counter++;
      const nodeOutputs = (options.outputs ?? [`${opType.toLowerCase()}_${id}`]).map(claim);
      const attrs = Object.entries(options.attrs ?? {}).map(([k, v]) => attribute(k, v));
      nodes.push({ name: `${opType}_${id}`, op_type: opType, input: opInputs, output: nodeOutputs, attribute: attrs });
      return nodeOutputs[0];
    },
    build() {
      return { name, node: nodes, initializer: initializers, input: inputs, output: outputs };
    },
  };
}

export type GraphBuilder = ReturnType<typeof createGraph>;

export const OPSET = 17;
export const IR_VERSION = 8;

/** Serialises a graph as an ONNX model (IR 8, default-domain opset 17). */
export function encodeModel(graph: GraphBuilder, docString: string): Uint8Array {
  const type = modelProtoType();
  const message = type.fromObject({
    ir_version: IR_VERSION,
    producer_name: 'vlm-harness',
    producer_version: '1',
    doc_string: docString,
    graph: graph.build(),
    opset_import: [{ domain: '', version: OPSET }],
  });
  return type.encode(message).finish();
}

/** Decodes a model written by encodeModel (used by tests to inspect graphs). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as Record<string, unknown>;
}
