/**
 * `featurewise export-model`: a copy of a model that takes raw decoded pixels
 * and applies an artifact's standardization first (ONNX: nodes prepended;
 * TensorFlow.js LayersModel: layers prepended). Reads the model and the
 * artifact, edits the graph (onnx-standardize.ts, tfjs-standardize.ts, no
 * I/O), writes the copy.
 */
import {
  ErrorCodes,
  FEATUREWISE_VERSION,
  FeaturewiseError,
  isFeaturewiseError,
  type StandardizeParams,
} from "@featurewise/core";
import { readArtifact, type LoadedArtifact } from "@featurewise/pipeline";
import { parentLocation, type ObjectStore, type Storage } from "@featurewise/storage";
import type { ModelFiles } from "../model-files.js";
import {
  resolveInputLayout,
  type InputLayout,
  type ResolvedInput,
  type TensorInfo,
} from "../model-input.js";
import { paramsInLayout } from "../params-in-layout.js";
import { openModel } from "../pipeline/open-model.js";
import { modelInvalid } from "../runtime-errors.js";
import { parseModelJson } from "../runtimes/tfjs-runtime.js";
import { parseOnnxModel } from "./onnx-graph.js";
import { prependStandardize } from "./onnx-standardize.js";
import { standardizeSteps, type StandardizeSteps } from "./standardize-steps.js";
import { parseTfjsGraphModel, prependStandardizeOps } from "./tfjs-graph-standardize.js";
import {
  isGraphModel,
  manifestNames,
  STANDARDIZE_WEIGHTS_FILE,
  type TfjsExport,
  type TfjsModelJson,
} from "./tfjs-model-json.js";
import { parseTfjsLayersModel, prependStandardizeLayers } from "./tfjs-standardize.js";

/** What to export, and where. */
export interface ExportModelOptions {
  /** An ONNX model (.onnx) or a TensorFlow.js model.json, or a folder / s3:// prefix holding one. */
  readonly model: string;
  /** The artifact (folder or s3:// prefix) whose standardization to prepend. */
  readonly stats: string;
  /**
   * Where to write: a file or key ending in `.onnx` / `.json`, or a folder or
   * prefix (then `model.onnx`, or `model.json` and its weight files, in it).
   */
  readonly out: string;
  /** The model input's layout. @defaultValue "auto" (from the model's input shape) */
  readonly inputLayout?: "auto" | InputLayout;
  /** Replace a model already at `out`. @defaultValue false */
  readonly overwrite?: boolean;
}

/** What was exported. */
export interface ExportModelResult {
  readonly format: "onnx" | "tfjs";
  /** The exported model's entry file. */
  readonly out: string;
  /** The exported model's input (raw pixels, float32 0–255 before any rescale). */
  readonly input: TensorInfo;
  readonly layout: InputLayout;
  /** The original model's input name, now the standardized tensor inside the graph. */
  readonly replacedInput: string;
  /** The steps prepended, in order, e.g. ["rescale", "center", "std_normalization", "zca_whitening"]. */
  readonly steps: readonly string[];
  /** The artifact's location. */
  readonly stats: string;
  /** Every file written, relative to the output folder. */
  readonly files: readonly string[];
}

/** The key under which the standardization is recorded in the exported model's metadata. */
export const EXPORT_METADATA_KEY = "featurewise.standardization";

/**
 * Exports `options.model` with `options.stats`' standardization prepended.
 * @throws FeaturewiseError NOT_FOUND (model, artifact), CORRUPT_ARTIFACT,
 *   MODEL_INVALID (not a model this can edit), MODEL_MISMATCH (the model's
 *   input does not take the artifact's images), INVALID_ARGUMENT (a model
 *   already at --out without overwrite)
 */
export async function exportModel(
  options: ExportModelOptions,
  storage: Storage,
): Promise<ExportModelResult> {
  const artifact = await readArtifact(storage, options.stats);
  const { files } = await openModel(options.model, storage);
  const format = files.entry.toLowerCase().endsWith(".onnx")
    ? "onnx"
    : files.entry.toLowerCase().endsWith(".json")
      ? "tfjs"
      : null;
  if (format === null) {
    throw modelInvalid(
      files.uri,
      "export-model reads ONNX models (.onnx) and TensorFlow.js model.json",
    );
  }
  const entry = await files.read(files.entry);
  const target = outputTarget(
    storage,
    options.out,
    format === "onnx" ? "model.onnx" : "model.json",
  );
  if (options.overwrite !== true && (await target.store.head(target.entry)) !== null) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--out ${options.out}: ${target.store.uriOf(target.entry)} exists; pass --overwrite to replace it`,
    );
  }
  const prepare = (input: TensorInfo) => {
    let resolved: ResolvedInput;
    let params: StandardizeParams;
    try {
      resolved = resolveInputLayout(input, artifact.params.imageShape, options.inputLayout);
      params = paramsInLayout(artifact.params, artifact.location, input, resolved);
    } catch (err) {
      if (!isFeaturewiseError(err, ErrorCodes.MODEL_MISMATCH)) throw err;
      throw new FeaturewiseError(
        err.code,
        `model ${files.uri} and --stats ${artifact.location}: ${err.message}`,
        { cause: err },
      );
    }
    const steps = standardizeSteps(params, resolved.layout);
    return { steps, layout: resolved.layout, metadata: exportMetadata(artifact, params, steps) };
  };
  // Everything is built before anything is written; the entry goes last, so
  // an output with it holds every file it names.
  const built =
    format === "onnx" ? editOnnx(entry, files, prepare) : await editTfjs(entry, files, prepare);
  for (const [name, bytes] of built.beside) await target.store.put(name, bytes);
  await target.store.put(target.entry, built.entry);
  return {
    format,
    out: target.store.uriOf(target.entry),
    input: built.input,
    layout: built.layout,
    replacedInput: built.replaced,
    steps: stepNames(built.steps),
    stats: artifact.location,
    files: [...built.beside.keys(), target.entry],
  };
}

type Prepare = (input: TensorInfo) => {
  steps: StandardizeSteps;
  layout: InputLayout;
  metadata: Record<string, unknown>;
};

/** An edited model: its entry file, the files beside it by name, and what was prepended. */
interface EditedModel {
  readonly entry: Uint8Array;
  readonly beside: ReadonlyMap<string, Uint8Array>;
  readonly input: TensorInfo;
  readonly replaced: string;
  readonly layout: InputLayout;
  readonly steps: StandardizeSteps;
}

function editOnnx(entry: Uint8Array, files: ModelFiles, prepare: Prepare): EditedModel {
  const model = parseOnnxModel(entry, files.uri);
  const { steps, layout, metadata } = prepare(model.input);
  const out = prependStandardize(model, steps, {
    metadata: { [EXPORT_METADATA_KEY]: JSON.stringify(metadata) },
  });
  return {
    entry: out.bytes,
    beside: new Map(),
    input: { ...model.input, name: out.inputName },
    replaced: model.input.name,
    layout,
    steps,
  };
}

async function editTfjs(
  entry: Uint8Array,
  files: ModelFiles,
  prepare: Prepare,
): Promise<EditedModel> {
  const doc = parseModelJson(files, entry) as unknown as TfjsModelJson;
  const model = tfjsEditor(doc, files.uri);
  const { steps, layout, metadata } = prepare(model.input);
  const out = model.prepend(steps, metadata);
  const paths = manifestNames(doc, files.uri).paths;
  if (paths.includes(STANDARDIZE_WEIGHTS_FILE) || paths.some((p) => /\.json$/i.test(p))) {
    throw modelInvalid(
      files.uri,
      `its weight files include ${STANDARDIZE_WEIGHTS_FILE} or a .json file, names export-model writes`,
    );
  }
  const copied = new Map<string, Uint8Array>();
  for (const p of paths) copied.set(p, await readWeightFile(files, p));
  copied.set(STANDARDIZE_WEIGHTS_FILE, out.weights);
  return {
    entry: new TextEncoder().encode(JSON.stringify(out.modelJson) + "\n"),
    beside: copied,
    input: { ...model.input, name: out.inputName },
    replaced: model.input.name,
    layout,
    steps,
  };
}

/** A LayersModel's or a GraphModel's input, and the edit that prepends the steps to it. */
function tfjsEditor(
  doc: TfjsModelJson,
  uri: string,
): { input: TensorInfo; prepend(steps: StandardizeSteps, metadata: object): TfjsExport } {
  if (isGraphModel(doc)) {
    const graph = parseTfjsGraphModel(doc, uri);
    return { input: graph.input, prepend: (s, m) => prependStandardizeOps(graph, s, { ...m }) };
  }
  const layers = parseTfjsLayersModel(doc, uri);
  return { input: layers.input, prepend: (s, m) => prependStandardizeLayers(layers, s, { ...m }) };
}

/** The store and entry name `--out` names: a file ending in .onnx/.json, else a folder holding `defaultEntry`. */
function outputTarget(
  storage: Storage,
  out: string,
  defaultEntry: string,
): { store: ObjectStore; entry: string } {
  const extension = defaultEntry.slice(defaultEntry.lastIndexOf("."));
  if (out.toLowerCase().endsWith(extension)) {
    const { parent, name } = parentLocation(out);
    return { store: storage.open(parent), entry: name };
  }
  if (/\.(onnx|json)$/i.test(out)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--out ${out}: the model is exported as ${defaultEntry}; name a ${extension} file or a folder`,
    );
  }
  return { store: storage.open(out), entry: defaultEntry };
}

async function readWeightFile(files: ModelFiles, name: string): Promise<Uint8Array> {
  try {
    return await files.read(name);
  } catch (err) {
    if (!isFeaturewiseError(err, ErrorCodes.NOT_FOUND)) throw err;
    throw modelInvalid(files.uri, `the weight file "${name}" it names is missing`, err);
  }
}

function stepNames(steps: StandardizeSteps): string[] {
  return [
    ...(steps.rescale === null ? [] : ["rescale"]),
    ...(steps.mean === null ? [] : ["center"]),
    ...(steps.divisor === null ? [] : ["std_normalization"]),
    ...(steps.whitening === null ? [] : ["zca_whitening"]),
  ];
}

/** What the exported model records about its standardization (ONNX metadata_props, tfjs userDefinedMetadata). */
function exportMetadata(
  artifact: LoadedArtifact,
  params: StandardizeParams,
  steps: StandardizeSteps,
): Record<string, unknown> {
  return {
    featurewise: FEATUREWISE_VERSION,
    stats: artifact.location,
    stats_sha256: artifact.statsSha256,
    steps: stepNames(steps),
    rescale: params.rescale,
    layout: steps.layout,
    image_shape: [...steps.dims],
    input: "raw decoded pixels, float32 0-255",
    decode: artifact.doc.decode,
  };
}
