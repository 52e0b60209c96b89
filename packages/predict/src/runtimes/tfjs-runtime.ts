/**
 * The `tfjs` runtime: a TensorFlow.js LayersModel or GraphModel (`model.json`
 * + weight files, as `tensorflowjs_converter` writes them), read through
 * {@link ModelFiles} by a custom IOHandler (without tfjs-node there is no
 * `file://` handler, and S3 needs one anyway).
 */
import type * as Tf from "@tensorflow/tfjs";
import { concatBytes, ErrorCodes, isFeaturewiseError } from "@featurewise/core";
import type { ModelFiles } from "../model-files.js";
import type { TensorInfo } from "../model-input.js";
import type { LoadedModel, ModelRuntime, OutputTensor, RuntimeLoadOptions } from "../runtime.js";
import { firstLine, modelInvalid, modelMismatch } from "../runtime-errors.js";
import { loadTfjsEngine } from "./tfjs-engine.js";

/** The `tfjs` runtime, as registered. */
export const tfjsRuntime: ModelRuntime = {
  name: "tfjs",
  reads: (entry) => entry.toLowerCase().endsWith(".json"),
  probe: async () => (await loadTfjsEngine("auto")).detail,
  load: loadTfjsModel,
};

export interface ModelJson {
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly modelTopology: { readonly node?: unknown } & Record<string, unknown>;
  readonly weightsManifest: readonly { paths: string[]; weights: Tf.io.WeightsManifestEntry[] }[];
  readonly signature?: object;
  readonly userDefinedMetadata?: NonNullable<Tf.io.ModelArtifacts["userDefinedMetadata"]>;
  readonly modelInitializer?: object;
}

async function loadTfjsModel(files: ModelFiles, options: RuntimeLoadOptions): Promise<LoadedModel> {
  const { engine, detail } = await loadTfjsEngine(options.device ?? "auto");
  const { tf } = engine;
  const json = parseModelJson(files, await files.read(files.entry));
  const weightData = concatBytes(
    await Promise.all(
      json.weightsManifest.flatMap((group) => group.paths.map((p) => readWeights(files, p))),
    ),
  );
  const isGraph = json.format === "graph-model" || Array.isArray(json.modelTopology.node);
  const artifacts: Tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weightData.buffer.slice(
      weightData.byteOffset,
      weightData.byteOffset + weightData.byteLength,
    ) as ArrayBuffer,
    ...(json.format === undefined ? {} : { format: json.format }),
    ...(json.signature === undefined ? {} : { signature: json.signature }),
    ...(json.userDefinedMetadata === undefined
      ? {}
      : { userDefinedMetadata: json.userDefinedMetadata }),
    ...(json.modelInitializer === undefined ? {} : { modelInitializer: json.modelInitializer }),
  };
  const handler: Tf.io.IOHandler = { load: () => Promise.resolve(artifacts) };
  let model: Tf.LayersModel | Tf.GraphModel;
  try {
    model = isGraph ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
  } catch (err) {
    throw modelInvalid(
      files.uri,
      `TensorFlow.js cannot load it as a ${isGraph ? "GraphModel" : "LayersModel"}: ${firstLine(err)}`,
      err,
    );
  }
  const { inputs, outputs } = signatureOf(model, isGraph);
  try {
    for (const i of inputs) checkFloat32(files, "input", i);
    for (const o of outputs) checkFloat32(files, "output", o);
  } catch (err) {
    model.dispose();
    throw err;
  }
  if (inputs.length !== 1) {
    model.dispose();
    throw modelMismatch(
      files.uri,
      `it has ${inputs.length} inputs (${inputs.map((i) => i.name).join(", ")}); featurewise feeds one image tensor`,
    );
  }
  return {
    runtime: "tfjs",
    device: engine.device,
    detail,
    input: inputs[0]!,
    outputs,
    concurrency: 1,
    async run(batch, dims) {
      const x = tf.tensor(batch, [...dims], "float32");
      let y: Tf.Tensor | Tf.Tensor[] | Tf.NamedTensorMap;
      try {
        y = isGraph
          ? await (model as Tf.GraphModel).executeAsync(x)
          : (model as Tf.LayersModel).predict(x);
      } finally {
        x.dispose();
      }
      const tensors = Array.isArray(y)
        ? y
        : y instanceof tf.Tensor
          ? [y]
          : outputs.map((o) => (y as Tf.NamedTensorMap)[o.name]!);
      const out = new Map<string, OutputTensor>();
      try {
        for (const [i, t] of tensors.entries()) {
          if (t.dtype !== "float32")
            checkFloat32(files, "output", { ...outputs[i]!, dtype: t.dtype });
          out.set(outputs[i]!.name, {
            data: (await t.data<"float32">()) as Float32Array,
            dims: t.shape,
          });
        }
      } finally {
        for (const t of tensors) t.dispose();
      }
      return out;
    },
    dispose: () => {
      model.dispose();
      return Promise.resolve();
    },
  };
}

/** A weight file model.json names; a missing one makes the model invalid, not the input. */
async function readWeights(files: ModelFiles, weightPath: string): Promise<Uint8Array> {
  try {
    return await files.read(weightPath);
  } catch (err) {
    if (!isFeaturewiseError(err, ErrorCodes.NOT_FOUND)) throw err;
    throw modelInvalid(files.uri, `the weight file "${weightPath}" it names is missing`, err);
  }
}

/** model.json's bytes parsed and checked for a topology and a weights manifest (MODEL_INVALID otherwise). */
export function parseModelJson(files: ModelFiles, bytes: Uint8Array): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw modelInvalid(
      files.uri,
      `not a TensorFlow.js model.json (not JSON: ${firstLine(err)})`,
      err,
    );
  }
  const doc = json as Partial<ModelJson> | null;
  if (
    typeof doc !== "object" ||
    doc === null ||
    typeof doc.modelTopology !== "object" ||
    doc.modelTopology === null
  ) {
    throw modelInvalid(files.uri, "not a TensorFlow.js model.json (no modelTopology)");
  }
  const manifest = doc.weightsManifest;
  if (
    !Array.isArray(manifest) ||
    !manifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))
  ) {
    throw modelInvalid(
      files.uri,
      "not a TensorFlow.js model.json (weightsManifest must list {paths, weights} groups)",
    );
  }
  return doc as ModelJson;
}

/** Names, shapes and dtypes (undefined where the graph does not say) of the model's inputs and outputs. */
function signatureOf(
  model: Tf.LayersModel | Tf.GraphModel,
  isGraph: boolean,
): { inputs: TypedInfo[]; outputs: TypedInfo[] } {
  const free = (shape: readonly (number | null)[] | undefined) =>
    (shape ?? []).map((d) => (d === null || d < 0 ? null : d));
  if (!isGraph) {
    const layers = model as Tf.LayersModel;
    const describe = (names: string[]) => (t: Tf.SymbolicTensor, i: number) => ({
      name: names[i]!,
      shape: free(t.shape),
      dtype: t.dtype as string,
    });
    return {
      inputs: layers.inputs.map(describe(layers.inputNames)),
      outputs: layers.outputs.map(describe(layers.outputNames)),
    };
  }
  const graph = model as Tf.GraphModel;
  const describe = (t: Tf.GraphModel["inputs"][number]) => ({
    name: t.name,
    shape: free(t.shape),
    dtype: t.dtype as string | undefined,
  });
  return { inputs: graph.inputs.map(describe), outputs: graph.outputs.map(describe) };
}

type TypedInfo = TensorInfo & { readonly dtype: string | undefined };

/** featurewise feeds and writes float32: anything else is refused before a batch runs. */
function checkFloat32(files: ModelFiles, what: "input" | "output", info: TypedInfo): void {
  if (info.dtype !== undefined && info.dtype !== "float32") {
    throw modelMismatch(
      files.uri,
      `${what} "${info.name}" is ${info.dtype}; featurewise ${what === "input" ? "feeds" : "writes"} float32 tensors`,
    );
  }
}
