/**
 * Prepends Keras' standardize to an ONNX graph: the graph's input is renamed
 * (it now takes raw pixels), and new nodes compute, as the flags say,
 * Mul(rescale) → Sub(mean) → Div(std + 1e-6) → Reshape(−1, D) · MatMul(W) ·
 * Reshape back, the last one writing the input's old name, so no node of
 * the original graph changes. Constants are float32 initializers.
 */
import { concatBytes } from "@featurewise/core";
import { ONNX, type OnnxModel } from "./onnx-graph.js";
import { bytesField, readFields, varintField } from "./protobuf-wire.js";
import { uniqueNames } from "./unique-names.js";
import { channelConstantShape, stepsFlatSize, type StandardizeSteps } from "./standardize-steps.js";

/** What {@link prependStandardize} writes besides the steps. */
export interface OnnxExportOptions {
  /** The new input's name. @defaultValue "pixels" (made unique in the graph) */
  readonly inputName?: string;
  /** Entries added to the model's metadata_props (replacing ones of the same key). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The model's bytes with the standardization prepended; the result's input is `inputName`. */
export function prependStandardize(
  model: OnnxModel,
  steps: StandardizeSteps,
  options: OnnxExportOptions = {},
): { bytes: Uint8Array; inputName: string } {
  const unique = uniqueNames(model.names);
  const inputName = unique(options.inputName ?? "pixels");
  const nodes: Uint8Array[] = [];
  const initializers: Uint8Array[] = [];
  const constant = (
    name: string,
    dims: readonly number[],
    values: Float32Array | BigInt64Array,
  ) => {
    const tensorName = unique(`featurewise/${name}`);
    initializers.push(tensorProto(tensorName, dims, values));
    return tensorName;
  };
  const channels = steps.layout === "NHWC" ? steps.dims[2] : steps.dims[0];
  const perChannel = channelConstantShape(steps, channels);
  const chain: { op: string; operand: string | null; label: string }[] = [];
  if (steps.rescale !== null) {
    const r = Float32Array.of(steps.rescale);
    chain.push({ op: "Mul", operand: constant("rescale", [], r), label: "rescale" });
  }
  if (steps.mean !== null) {
    chain.push({ op: "Sub", operand: constant("mean", perChannel, steps.mean), label: "center" });
  }
  if (steps.divisor !== null) {
    chain.push({
      op: "Div",
      operand: constant("std_plus_epsilon", perChannel, steps.divisor),
      label: "std_normalize",
    });
  }
  if (steps.whitening !== null) {
    const d = stepsFlatSize(steps);
    const flat = constant("flat_shape", [2], BigInt64Array.of(-1n, BigInt(d)));
    const w = constant("zca_whitening_matrix", [d, d], steps.whitening);
    const back = constant("image_shape", [4], BigInt64Array.from([-1, ...steps.dims], BigInt));
    chain.push({ op: "Reshape", operand: flat, label: "flatten" });
    chain.push({ op: "MatMul", operand: w, label: "zca_whiten" });
    chain.push({ op: "Reshape", operand: back, label: "unflatten" });
  }
  if (chain.length === 0) chain.push({ op: "Identity", operand: null, label: "identity" });
  let current = inputName;
  for (const [i, step] of chain.entries()) {
    const last = i === chain.length - 1;
    const output = last ? model.input.name : unique(`featurewise/${step.label}_out`);
    const inputs = step.operand === null ? [current] : [current, step.operand];
    nodes.push(nodeProto(unique(`featurewise/${step.label}`), step.op, inputs, output));
    current = output;
  }

  const graph = concatBytes([
    ...nodes,
    ...model.graph.map((f) => (f === model.inputField ? renamedInput(f.bytes, inputName) : f.raw)),
    ...initializers,
  ]);
  const metadata = options.metadata ?? {};
  const fields = model.fields.filter(
    (f) => f.field !== ONNX.model.metadataProps || !Object.hasOwn(metadata, metadataKey(f.bytes)),
  );
  const bytes = concatBytes([
    ...fields.map((f) => (f.field === ONNX.model.graph ? bytesField(f.field, graph) : f.raw)),
    ...Object.entries(metadata).map(([key, value]) =>
      bytesField(
        ONNX.model.metadataProps,
        concatBytes([bytesField(ONNX.entry.key, key), bytesField(ONNX.entry.value, value)]),
      ),
    ),
  ]);
  return { bytes, inputName };
}

/** The graph's input ValueInfoProto under a new name, everything else kept. */
function renamedInput(valueInfo: Uint8Array, name: string): Uint8Array {
  const fields = readFields(valueInfo).filter((f) => f.field !== ONNX.valueInfo.name);
  return bytesField(
    ONNX.graph.input,
    concatBytes([bytesField(ONNX.valueInfo.name, name), ...fields.map((f) => f.raw)]),
  );
}

function metadataKey(entry: Uint8Array): string {
  const key = readFields(entry).findLast((f) => f.field === ONNX.entry.key);
  return key === undefined ? "" : new TextDecoder().decode(key.bytes);
}

function nodeProto(
  name: string,
  op: string,
  inputs: readonly string[],
  output: string,
): Uint8Array {
  return bytesField(
    ONNX.graph.node,
    concatBytes([
      ...inputs.map((i) => bytesField(ONNX.node.input, i)),
      bytesField(ONNX.node.output, output),
      bytesField(ONNX.node.name, name),
      bytesField(ONNX.node.opType, op),
    ]),
  );
}

/** A TensorProto initializer: float32 or int64 values as little-endian raw_data. */
function tensorProto(
  name: string,
  dims: readonly number[],
  values: Float32Array | BigInt64Array,
): Uint8Array {
  const raw = new Uint8Array(values.byteLength);
  const view = new DataView(raw.buffer);
  if (values instanceof Float32Array) {
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  } else {
    values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  }
  const type = values instanceof Float32Array ? ONNX.dataType.float : ONNX.dataType.int64;
  return bytesField(
    ONNX.graph.initializer,
    concatBytes([
      ...dims.map((d) => varintField(ONNX.tensor.dims, d)),
      varintField(ONNX.tensor.dataType, type),
      bytesField(ONNX.tensor.name, name),
      bytesField(ONNX.tensor.rawData, raw),
    ]),
  );
}
