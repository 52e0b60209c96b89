/**
 * Reading what `export-model` needs from an ONNX ModelProto: its IR version,
 * default-domain opset, the graph's one image input (name, float32, shape),
 * and every name already used in the graph. Field numbers are onnx.proto's
 * (github.com/onnx/onnx, onnx/onnx.proto, stable since IR version 3).
 */
import type { TensorInfo } from "../model-input.js";
import { modelInvalid, modelMismatch } from "../runtime-errors.js";
import {
  fieldsNumbered,
  intField,
  readFields,
  stringField,
  WireFormatError,
  type WireField,
} from "./protobuf-wire.js";

/** onnx.proto field numbers used here. */
export const ONNX = {
  model: { irVersion: 1, graph: 7, opsetImport: 8, metadataProps: 14 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
  tensor: { dims: 1, dataType: 2, name: 8, rawData: 9 },
  entry: { key: 1, value: 2 },
  dataType: { float: 1, int64: 7 },
} as const;

/** The oldest IR version and default-domain opset the prepended nodes are valid in (initializers need not be inputs; numpy broadcasting). */
export const MIN_IR_VERSION = 4;
export const MIN_OPSET = 7;

/** A parsed ModelProto: its fields, its graph's fields, and the graph's image input. */
export interface OnnxModel {
  readonly uri: string;
  readonly fields: readonly WireField[];
  readonly graph: readonly WireField[];
  /** The graph's one input that is not an initializer. */
  readonly input: TensorInfo;
  /** Its ValueInfoProto field in `graph`. */
  readonly inputField: WireField;
  /** Every tensor and node name in the graph, to keep new names apart. */
  readonly names: ReadonlySet<string>;
}

/**
 * Parses the model's bytes as far as the export needs.
 * @throws FeaturewiseError MODEL_INVALID when they are not an ONNX model or
 *   are too old; MODEL_MISMATCH when the graph has not exactly one float32 input
 *   with a stated shape
 */
export function parseOnnxModel(bytes: Uint8Array, uri: string): OnnxModel {
  try {
    return parse(bytes, uri);
  } catch (err) {
    if (err instanceof WireFormatError) {
      throw modelInvalid(uri, `not an ONNX model (protobuf: ${err.message})`, err);
    }
    throw err;
  }
}

function parse(bytes: Uint8Array, uri: string): OnnxModel {
  const fields = readFields(bytes);
  const graphs = fieldsNumbered(fields, ONNX.model.graph).filter((f) => f.wireType === 2);
  const ir = intField(fields, ONNX.model.irVersion);
  if (graphs.length !== 1 || ir === undefined) {
    throw modelInvalid(uri, "not an ONNX model (a ModelProto has an ir_version and one graph)");
  }
  if (ir < MIN_IR_VERSION) {
    throw modelInvalid(
      uri,
      `IR version ${ir} is older than ${MIN_IR_VERSION}, which export-model needs`,
    );
  }
  const opset = defaultOpset(fields);
  if (opset === undefined || opset < MIN_OPSET) {
    throw modelInvalid(
      uri,
      `its default-domain opset is ${opset ?? "missing"}; export-model needs ${MIN_OPSET} or later`,
    );
  }
  const graph = readFields(graphs[0]!.bytes);
  const names = new Set<string>();
  for (const f of fieldsNumbered(graph, ONNX.graph.node)) {
    const node = readFields(f.bytes);
    for (const n of [ONNX.node.input, ONNX.node.output, ONNX.node.name]) {
      for (const s of fieldsNumbered(node, n)) names.add(text(s));
    }
  }
  const initializers = new Set(
    fieldsNumbered(graph, ONNX.graph.initializer).map((f) =>
      stringField(readFields(f.bytes), ONNX.tensor.name),
    ),
  );
  for (const n of initializers) names.add(n);
  for (const n of [ONNX.graph.output, ONNX.graph.valueInfo, ONNX.graph.input]) {
    for (const f of fieldsNumbered(graph, n)) {
      names.add(stringField(readFields(f.bytes), ONNX.valueInfo.name));
    }
  }
  const inputs = fieldsNumbered(graph, ONNX.graph.input).filter(
    (f) => !initializers.has(stringField(readFields(f.bytes), ONNX.valueInfo.name)),
  );
  if (inputs.length !== 1) {
    const listed = inputs.map((f) => stringField(readFields(f.bytes), ONNX.valueInfo.name));
    throw modelMismatch(
      uri,
      `it has ${inputs.length} inputs (${listed.join(", ")}); export-model prepends standardization to one image input`,
    );
  }
  const inputField = inputs[0]!;
  return { uri, fields, graph, input: tensorInfo(inputField, uri), inputField, names };
}

/** The version of the default ("" or "ai.onnx") domain among the opset imports. */
function defaultOpset(fields: readonly WireField[]): number | undefined {
  for (const f of fieldsNumbered(fields, ONNX.model.opsetImport)) {
    const op = readFields(f.bytes);
    const domain = stringField(op, ONNX.opset.domain);
    if (domain === "" || domain === "ai.onnx") return intField(op, ONNX.opset.version) ?? 1;
  }
  return undefined;
}

/** Name and shape of a float32 tensor input (null for a free or symbolic dimension). */
function tensorInfo(field: WireField, uri: string): TensorInfo {
  const info = readFields(field.bytes);
  const name = stringField(info, ONNX.valueInfo.name);
  const type = fieldsNumbered(info, ONNX.valueInfo.type).at(-1);
  const tensor = type && fieldsNumbered(readFields(type.bytes), ONNX.type.tensorType).at(-1)?.bytes;
  if (tensor === undefined) {
    throw modelMismatch(uri, `input "${name}" is not a tensor; featurewise feeds float32 images`);
  }
  const t = readFields(tensor);
  const elem = intField(t, ONNX.tensorType.elemType);
  if (elem !== ONNX.dataType.float) {
    throw modelMismatch(
      uri,
      `input "${name}" has ONNX element type ${elem ?? "unset"}; featurewise feeds float32 (1)`,
    );
  }
  const shape = fieldsNumbered(t, ONNX.tensorType.shape).at(-1);
  if (shape === undefined) {
    throw modelMismatch(
      uri,
      `input "${name}" states no shape; export-model needs its rank and sizes`,
    );
  }
  const dims = fieldsNumbered(readFields(shape.bytes), ONNX.shape.dim).map((d) => {
    const v = intField(readFields(d.bytes), ONNX.dim.value);
    return v === undefined || v <= 0 ? null : v;
  });
  return { name, shape: dims };
}

function text(f: WireField): string {
  return new TextDecoder().decode(f.bytes);
}
