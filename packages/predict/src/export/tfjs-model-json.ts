/** The parts of a TensorFlow.js model.json both exports (LayersModel, GraphModel) read and write. */
import { modelInvalid } from "../runtime-errors.js";

/** model.json: the keys the export edits; every other key is kept as it is. */
export interface TfjsModelJson {
  readonly format?: string;
  readonly modelTopology: Record<string, unknown>;
  readonly weightsManifest: readonly TfjsWeightGroup[];
  readonly [key: string]: unknown;
}

/** One group of model.json's weightsManifest. */
export interface TfjsWeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly { name: string; shape: number[]; dtype: string }[];
}

/** The weight file the prepended weights go to. */
export const STANDARDIZE_WEIGHTS_FILE = "featurewise-standardize.bin";

/** One prepended weight: its name, shape and values (float32, or int32 for shapes). */
export interface NewWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

/** What an export returns: the new model.json and the new weight file's bytes. */
export interface TfjsExport {
  readonly modelJson: TfjsModelJson;
  readonly weights: Uint8Array;
  /** The exported model's input (the renamed InputLayer or Placeholder). */
  readonly inputName: string;
}

/** True for a GraphModel's model.json (TF ops), false for a LayersModel's (Keras layers). */
export function isGraphModel(doc: TfjsModelJson): boolean {
  return doc.format === "graph-model" || Array.isArray(doc.modelTopology["node"]);
}

/**
 * `doc` with `modelTopology` and one more weights-manifest group (the new
 * weights, in {@link STANDARDIZE_WEIGHTS_FILE}), and `metadata` under
 * userDefinedMetadata.featurewise.
 */
export function withNewWeights(
  doc: TfjsModelJson,
  modelTopology: Record<string, unknown>,
  weights: readonly NewWeight[],
  metadata: Readonly<Record<string, unknown>>,
  inputName: string,
): TfjsExport {
  const previous = (doc["userDefinedMetadata"] ?? {}) as Record<string, unknown>;
  const modelJson: TfjsModelJson = {
    ...doc,
    modelTopology,
    weightsManifest: [
      ...doc.weightsManifest,
      {
        paths: [STANDARDIZE_WEIGHTS_FILE],
        weights: weights.map((w) => ({
          name: w.name,
          shape: [...w.shape],
          dtype: w.values instanceof Float32Array ? "float32" : "int32",
        })),
      },
    ],
    userDefinedMetadata: { ...previous, featurewise: metadata },
  };
  return { modelJson, weights: littleEndian(weights.map((w) => w.values)), inputName };
}

function littleEndian(arrays: readonly (Float32Array | Int32Array)[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const a of arrays) {
    for (const v of a) {
      if (a instanceof Float32Array) view.setFloat32(at, v, true);
      else view.setInt32(at, v, true);
      at += 4;
    }
  }
  return out;
}

/**
 * The names of every weight in the manifest, each checked to be a string,
 * and the weight files' paths.
 * @throws FeaturewiseError MODEL_INVALID when an entry has no name or a path is not a string
 */
export function manifestNames(
  doc: TfjsModelJson,
  uri: string,
): { weights: string[]; paths: string[] } {
  const weights = doc.weightsManifest.flatMap((g) =>
    g.weights.map((w) => (w as { name?: unknown })?.name),
  );
  const paths = doc.weightsManifest.flatMap((g) => g.paths as unknown[]);
  if (!weights.every((n) => typeof n === "string") || !paths.every((p) => typeof p === "string")) {
    throw modelInvalid(
      uri,
      "its weightsManifest must give each weight a name and each path as text",
    );
  }
  return { weights: weights as string[], paths: paths as string[] };
}
