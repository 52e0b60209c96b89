/**
 * Prepends Keras' standardize to a TensorFlow.js LayersModel (a functional
 * Keras model's model.json). Its InputLayer is renamed (it now takes raw
 * pixels) and new layers compute:
 * - ×rescale, −mean, ÷(std + 1e-6) as one per-channel affine x·a + b (a
 *   1x1 DepthwiseConv2D with a = rescale/(std + 1e-6), b = −mean/(std + 1e-6),
 *   each factor 1 or 0 where its flag is off);
 * - ZCA as Flatten (the layout's order as it is) → Dense (no bias, kernel W:
 *   Keras' Dense computes x·kernel, as Keras' standardize computes x·W) →
 *   Reshape back.
 * The last new layer takes the InputLayer's old name, so no layer of the
 * original model changes. Its weights go to a weight file of their own.
 */
import type { TensorInfo } from "../model-input.js";
import { modelInvalid, modelMismatch } from "../runtime-errors.js";
import { stepsFlatSize, type StandardizeSteps } from "./standardize-steps.js";
import {
  manifestNames,
  withNewWeights,
  type NewWeight,
  type TfjsExport,
  type TfjsModelJson,
} from "./tfjs-model-json.js";
import { uniqueNames } from "./unique-names.js";

interface KerasLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name?: string };
  inbound_nodes: unknown[];
}

interface FunctionalConfig {
  layers: KerasLayer[];
  input_layers: [string, number, number][];
  output_layers: unknown;
  [key: string]: unknown;
}

/** A functional LayersModel's config and its one InputLayer. */
export interface TfjsLayersModel {
  readonly uri: string;
  readonly doc: TfjsModelJson;
  readonly config: FunctionalConfig;
  readonly inputLayer: KerasLayer;
  /** Every weight name in the manifest. */
  readonly weightNames: readonly string[];
  readonly input: TensorInfo;
}

/**
 * Reads a LayersModel's topology as far as the export needs.
 * @throws FeaturewiseError MODEL_INVALID for a Sequential model
 *   or a topology it cannot read; MODEL_MISMATCH when there is not one input
 */
export function parseTfjsLayersModel(doc: TfjsModelJson, uri: string): TfjsLayersModel {
  const topology = doc.modelTopology;
  const root = (topology["model_config"] ?? topology) as { class_name?: unknown; config?: unknown };
  if (root.class_name !== "Model" && root.class_name !== "Functional") {
    throw modelInvalid(
      uri,
      `export-model reads functional Keras models (class_name "Model" or "Functional"), not "${String(root.class_name)}": save the Keras model as a functional one, or export its ONNX model`,
    );
  }
  const config = root.config as FunctionalConfig | undefined;
  if (!config || !Array.isArray(config.layers) || !Array.isArray(config.input_layers)) {
    throw modelInvalid(uri, "its model config lists no layers and input_layers");
  }
  const isLayer = (l: unknown): l is KerasLayer =>
    typeof l === "object" &&
    l !== null &&
    typeof (l as KerasLayer).class_name === "string" &&
    typeof (l as KerasLayer).config === "object" &&
    (l as KerasLayer).config !== null &&
    Array.isArray((l as KerasLayer).inbound_nodes);
  if (!config.layers.every(isLayer) || !config.input_layers.every((i) => Array.isArray(i))) {
    throw modelInvalid(uri, "its layers must each have a class_name, a config and inbound_nodes");
  }
  const weightNames = manifestNames(doc, uri).weights;
  if (config.input_layers.length !== 1) {
    throw modelMismatch(
      uri,
      `it has ${config.input_layers.length} inputs; export-model prepends standardization to one image input`,
    );
  }
  const inputName = config.input_layers[0]![0];
  const inputLayer = config.layers.find((l) => layerName(l) === inputName);
  const shape = inputLayer?.config["batch_input_shape"] ?? inputLayer?.config["batch_shape"];
  if (inputLayer?.class_name !== "InputLayer" || !Array.isArray(shape)) {
    throw modelInvalid(
      uri,
      `its input "${inputName}" is not an InputLayer with a batch_input_shape`,
    );
  }
  const dtype = inputLayer.config["dtype"];
  if (dtype !== undefined && dtype !== "float32") {
    throw modelMismatch(
      uri,
      `input "${inputName}" is ${String(dtype)}; featurewise feeds float32 tensors`,
    );
  }
  const dims = shape.map((d: unknown) => (typeof d === "number" && d > 0 ? d : null));
  return { uri, doc, config, inputLayer, weightNames, input: { name: inputName, shape: dims } };
}

/** The model with the standardization layers prepended; `metadata` goes to userDefinedMetadata.featurewise. */
export function prependStandardizeLayers(
  model: TfjsLayersModel,
  steps: StandardizeSteps,
  metadata: Readonly<Record<string, unknown>> = {},
): TfjsExport {
  const { config, inputLayer } = model;
  const original = model.input.name;
  const unique = uniqueNames([
    ...config.layers.map(layerName),
    ...model.weightNames.map((w) => w.split("/")[0]!),
  ]);
  const inputName = unique("pixels");
  const format = steps.layout === "NHWC" ? "channels_last" : "channels_first";
  const layers: KerasLayer[] = [];
  const weights: NewWeight[] = [];
  let previous = inputName;
  const add = (className: string, name: string, layerConfig: Record<string, unknown>) => {
    layers.push({
      class_name: className,
      name,
      config: { name, trainable: false, dtype: "float32", ...layerConfig },
      inbound_nodes: [[[previous, 0, 0, {}]]],
    });
    previous = name;
  };
  const zca = steps.whitening !== null;
  if (steps.rescale !== null || steps.mean !== null || steps.divisor !== null) {
    const name = zca ? unique("featurewise_standardize") : original;
    const { scale, offset } = channelAffine(steps);
    add("DepthwiseConv2D", name, {
      kernel_size: [1, 1],
      strides: [1, 1],
      padding: "valid",
      data_format: format,
      dilation_rate: [1, 1],
      depth_multiplier: 1,
      activation: "linear",
      use_bias: true,
    });
    weights.push({
      name: `${name}/depthwise_kernel`,
      shape: [1, 1, scale.length, 1],
      values: scale,
    });
    weights.push({ name: `${name}/bias`, shape: [offset.length], values: offset });
  }
  if (zca) {
    const d = stepsFlatSize(steps);
    add("Flatten", unique("featurewise_flatten"), { data_format: "channels_last" });
    const dense = unique("featurewise_zca_whiten");
    add("Dense", dense, { units: d, activation: "linear", use_bias: false });
    weights.push({ name: `${dense}/kernel`, shape: [d, d], values: steps.whitening! });
    add("Reshape", original, { target_shape: [...steps.dims] });
  }
  if (layers.length === 0) {
    add("Activation", original, { activation: "linear" });
  }
  const renamedInput: KerasLayer = {
    ...inputLayer,
    ...(inputLayer.name === undefined ? {} : { name: inputName }),
    config: { ...inputLayer.config, name: inputName },
  };
  const newLayers = config.layers.flatMap((l) =>
    l === inputLayer ? [renamedInput, ...layers] : [l],
  );
  const newConfig: FunctionalConfig = {
    ...config,
    layers: newLayers,
    input_layers: [[inputName, 0, 0]],
  };
  const topology = model.doc.modelTopology;
  const root = topology["model_config"] as Record<string, unknown> | undefined;
  const modelTopology =
    root === undefined
      ? { ...topology, config: newConfig }
      : { ...topology, model_config: { ...root, config: newConfig } };
  return withNewWeights(model.doc, modelTopology, weights, metadata, inputName);
}

/**
 * Per channel, x·a + b = ((x·rescale) − mean) / (std + 1e-6): a = rescale/d,
 * b = −mean/d (rescale 1, mean 0, d 1 where their flags are off), computed in
 * float64 and rounded once.
 */
function channelAffine(steps: StandardizeSteps): { scale: Float32Array; offset: Float32Array } {
  const channels = steps.layout === "NHWC" ? steps.dims[2] : steps.dims[0];
  const r = steps.rescale ?? 1;
  const scale = new Float32Array(channels);
  const offset = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const d = steps.divisor?.[c] ?? 1;
    scale[c] = r / d;
    offset[c] = -(steps.mean?.[c] ?? 0) / d;
  }
  return { scale, offset };
}

function layerName(layer: KerasLayer): string {
  return layer.name ?? layer.config.name ?? "";
}
