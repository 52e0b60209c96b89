/**
 * Prepends Keras' standardize to a TensorFlow.js GraphModel (TF ops). Its
 * Placeholder is renamed (it now takes raw pixels) and new nodes compute,
 * as the flags say, Mul(rescale) → Sub(mean) → RealDiv(std + 1e-6) →
 * Reshape(−1, D) · MatMul(W) · Reshape back, the last one named as the
 * Placeholder was, so no node of the original graph changes. Constants are
 * Const nodes whose values go to a weight file of their own. A signature's
 * input entry is pointed at the renamed Placeholder.
 */
import type { TensorInfo } from "../model-input.js";
import { modelInvalid, modelMismatch } from "../runtime-errors.js";
import { channelConstantShape, stepsFlatSize, type StandardizeSteps } from "./standardize-steps.js";
import {
  manifestNames,
  withNewWeights,
  type NewWeight,
  type TfjsExport,
  type TfjsModelJson,
} from "./tfjs-model-json.js";
import { uniqueNames } from "./unique-names.js";

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
  [key: string]: unknown;
}

interface SignatureEntry {
  name: string;
  [key: string]: unknown;
}

/** A GraphModel's nodes and its one Placeholder. */
export interface TfjsGraphModel {
  readonly doc: TfjsModelJson;
  readonly nodes: readonly GraphNode[];
  readonly placeholder: GraphNode;
  /** Every weight name in the manifest. */
  readonly weightNames: readonly string[];
  readonly input: TensorInfo;
}

/**
 * Reads a GraphModel's topology as far as the export needs.
 * @throws FeaturewiseError MODEL_MISMATCH unless there is one float32 input with a shape
 */
export function parseTfjsGraphModel(doc: TfjsModelJson, uri: string): TfjsGraphModel {
  const nodes = doc.modelTopology["node"] as GraphNode[];
  if (
    !nodes.every(
      (n) =>
        typeof n?.name === "string" &&
        typeof n.op === "string" &&
        (n.input === undefined || Array.isArray(n.input)),
    )
  ) {
    throw modelInvalid(uri, "its GraphModel nodes must each have a name and an op");
  }
  const weightNames = manifestNames(doc, uri).weights;
  const placeholders = nodes.filter((n) => n.op.startsWith("Placeholder"));
  if (placeholders.length !== 1) {
    throw modelMismatch(
      uri,
      `it has ${placeholders.length} Placeholder inputs (${placeholders.map((p) => p.name).join(", ")}); export-model prepends standardization to one image input`,
    );
  }
  const placeholder = placeholders[0]!;
  const attr = (placeholder.attr ?? {}) as {
    dtype?: { type?: string };
    shape?: { shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean } };
  };
  if (attr.dtype?.type !== undefined && attr.dtype.type !== "DT_FLOAT") {
    throw modelMismatch(
      uri,
      `input "${placeholder.name}" is ${attr.dtype.type}; featurewise feeds float32 tensors`,
    );
  }
  const dims = attr.shape?.shape?.dim;
  if (!Array.isArray(dims) || attr.shape?.shape?.unknownRank === true) {
    throw modelMismatch(
      uri,
      `input "${placeholder.name}" states no shape; export-model needs its rank and sizes`,
    );
  }
  const shape = dims.map((d) => {
    const size = Number(d?.size ?? -1);
    return size > 0 ? size : null;
  });
  return { doc, nodes, placeholder, weightNames, input: { name: placeholder.name, shape } };
}

/** The GraphModel with the standardization nodes prepended; `metadata` goes to userDefinedMetadata.featurewise. */
export function prependStandardizeOps(
  model: TfjsGraphModel,
  steps: StandardizeSteps,
  metadata: Readonly<Record<string, unknown>> = {},
): TfjsExport {
  const unique = uniqueNames([...model.nodes.map((n) => n.name), ...model.weightNames]);
  const original = model.placeholder.name;
  const inputName = unique("pixels");
  const consts: GraphNode[] = [];
  const weights: NewWeight[] = [];
  const constant = (base: string, shape: readonly number[], values: Float32Array | Int32Array) => {
    const name = unique(`featurewise/${base}`);
    const dtype = values instanceof Float32Array ? "DT_FLOAT" : "DT_INT32";
    consts.push({
      name,
      op: "Const",
      attr: {
        value: {
          tensor: { dtype, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } },
        },
        dtype: { type: dtype },
      },
    });
    weights.push({ name, shape, values });
    return name;
  };
  const channels = steps.layout === "NHWC" ? steps.dims[2] : steps.dims[0];
  const perChannel = channelConstantShape(steps, channels);
  const chain: { op: string; operand: string | null; label: string; attr?: object }[] = [];
  if (steps.rescale !== null) {
    const r = Float32Array.of(steps.rescale);
    chain.push({ op: "Mul", operand: constant("rescale", [], r), label: "rescale" });
  }
  if (steps.mean !== null) {
    chain.push({ op: "Sub", operand: constant("mean", perChannel, steps.mean), label: "center" });
  }
  if (steps.divisor !== null) {
    const divisor = constant("std_plus_epsilon", perChannel, steps.divisor);
    chain.push({ op: "RealDiv", operand: divisor, label: "std_normalize" });
  }
  if (steps.whitening !== null) {
    const d = stepsFlatSize(steps);
    const int32 = { Tshape: { type: "DT_INT32" } };
    const flat = constant("flat_shape", [2], Int32Array.of(-1, d));
    const w = constant("zca_whitening_matrix", [d, d], steps.whitening);
    const back = constant("image_shape", [4], Int32Array.of(-1, ...steps.dims));
    const noTranspose = { transpose_a: { b: false }, transpose_b: { b: false } };
    chain.push({ op: "Reshape", operand: flat, label: "flatten", attr: int32 });
    chain.push({ op: "MatMul", operand: w, label: "zca_whiten", attr: noTranspose });
    chain.push({ op: "Reshape", operand: back, label: "unflatten", attr: int32 });
  }
  if (chain.length === 0) chain.push({ op: "Identity", operand: null, label: "identity" });
  const ops: GraphNode[] = [];
  let current = inputName;
  for (const [i, step] of chain.entries()) {
    const name = i === chain.length - 1 ? original : unique(`featurewise/${step.label}`);
    ops.push({
      name,
      op: step.op,
      input: step.operand === null ? [current] : [current, step.operand],
      attr: { T: { type: "DT_FLOAT" }, ...step.attr },
    });
    current = name;
  }
  const renamed = { ...model.placeholder, name: inputName };
  const nodes = model.nodes.flatMap((n) =>
    n === model.placeholder ? [renamed, ...consts, ...ops] : [n],
  );
  const doc = withSignatureInput(model.doc, original, inputName);
  return withNewWeights(doc, { ...doc.modelTopology, node: nodes }, weights, metadata, inputName);
}

/** A signature's input entries naming the old Placeholder (`input` or `input:0`) name the new one. */
function withSignatureInput(doc: TfjsModelJson, from: string, to: string): TfjsModelJson {
  const signature = doc["signature"] as { inputs?: Record<string, SignatureEntry> } | undefined;
  if (signature?.inputs === undefined) return doc;
  const inputs = Object.fromEntries(
    Object.entries(signature.inputs).map(([key, entry]) => {
      const [node, ...index] = entry.name.split(":");
      return [key, node === from ? { ...entry, name: [to, ...index].join(":") } : entry];
    }),
  );
  return { ...doc, signature: { ...signature, inputs } };
}
