/**
 * What a prediction decides before its first image, from its options, its
 * artifact and its loaded model: the input layout, the statistics in the
 * model's layout, top-k, and the run's identity (whose sha256 is the run
 * id). The embedded predict decides it once; on the cluster the
 * coordinator decides it and every part job decides it again from the same
 * inputs, and checks that it got the same run id.
 */
import {
  ErrorCodes,
  FeaturewiseError,
  FIT_DEFAULTS,
  type DataFormat,
  type DecodeSettings,
  type ImageShape,
  type LinearAlgebra,
  type PredictOptions,
  type StandardizeParams,
} from "@featurewise/core";
import type { ImageSource } from "@featurewise/dataset";
import type { Decoder, LoadedArtifact } from "@featurewise/pipeline";
import { parentLocation, type ObjectStore, type Storage } from "@featurewise/storage";
import { formatShape, resolveInputLayout, type ResolvedInput } from "../model-input.js";
import { paramsInLayout } from "../params-in-layout.js";
import { parseLabels } from "../output/top-k.js";
import { BatchGate } from "./batch-gate.js";
import { BatchTensors } from "./batch-tensors.js";
import { BATCH_BYTES_IN_FLIGHT } from "./session-count.js";
import type { LoadedModel } from "../runtime.js";
import { runId, type RunIdentity } from "./run-output.js";
import type { ShardPredictorContext } from "./shard-predictor.js";

/** `--top-k` and its labels, checked against the model. */
export interface RunTopK {
  readonly k: number;
  readonly labels?: readonly string[];
}

/** See the module comment. */
export interface RunSetup {
  readonly input: ResolvedInput;
  /** The order rows are written in: the model's layout. */
  readonly rowFormat: DataFormat;
  readonly params: StandardizeParams | null;
  readonly topK: RunTopK | null;
  readonly identity: RunIdentity;
  /** sha256 of the identity's canonical JSON. */
  readonly id: string;
}

/** What {@link resolveRunSetup} decides from. */
export interface RunSetupInputs {
  readonly options: PredictOptions;
  readonly artifact: LoadedArtifact | null;
  readonly model: LoadedModel;
  /** The model's sha256 (`modelChecksums`). */
  readonly modelSha256: string;
  readonly imageShape: ImageShape;
  readonly decode: DecodeSettings;
  readonly sourceUri: string;
  /**
   * Device and threads as the identity records them: embedded, the ones
   * that ran; on the cluster, the ones asked for (each worker resolves them).
   */
  readonly device: string;
  readonly threads: number | null;
  /** Reads `--labels`. */
  readonly storage: Storage;
}

/**
 * Decides the run (see the module comment).
 * @throws FeaturewiseError MODEL_MISMATCH (input layout, a ZCA artifact of
 *   the other layout), INVALID_ARGUMENT (`--top-k`, `--labels`)
 */
export async function resolveRunSetup(i: RunSetupInputs): Promise<RunSetup> {
  const { options, artifact, model } = i;
  const input = resolveInputLayout(model.input, i.imageShape, options.inputLayout);
  const rowFormat: DataFormat = input.layout === "NHWC" ? "channels_last" : "channels_first";
  const params = standardizeParams(
    artifact,
    options.rescale,
    i.imageShape,
    rowFormat,
    model,
    input,
  );
  const topK = await readTopK(options, model, i.storage);
  const identity = {
    model: i.modelSha256,
    runtime: model.runtime,
    device: i.device,
    threads: i.threads,
    artifact: artifact?.statsSha256 ?? null,
    rescale: artifact === null ? options.rescale : null,
    decode: i.decode,
    source: i.sourceUri,
    imagesPerShard: options.imagesPerShard,
    inputLayout: input.layout,
    batchSize: options.batchSize,
    format: options.format,
    topK: topK === null ? null : { k: topK.k, labels: topK.labels ?? null },
  };
  return { input, rowFormat, params, topK, identity, id: await runId(identity) };
}

/** What a shard predictor needs besides the run: this process' decoder, backend and model. */
export interface PredictorResources {
  readonly source: Pick<ImageSource, "uriOf">;
  readonly decoder: Decoder;
  /** Decode batches in flight. */
  readonly inFlight: number;
  readonly model: LoadedModel;
  readonly la: LinearAlgebra;
}

/** The context every shard of the run is predicted with. */
export function shardPredictorContext(
  options: PredictOptions,
  setup: RunSetup,
  imageShape: ImageShape,
  decode: DecodeSettings,
  r: PredictorResources,
): ShardPredictorContext {
  return {
    source: r.source,
    decode,
    imageShape,
    onError: options.onError,
    stream: { decoder: r.decoder, batch: 32, inFlight: r.inFlight },
    model: r.model,
    input: setup.input,
    params: setup.params,
    rowFormat: setup.rowFormat,
    la: r.la,
    batchSize: options.batchSize,
    gate: new BatchGate(Math.max(1, r.model.concurrency), BATCH_BYTES_IN_FLIGHT),
    tensors: new BatchTensors(
      options.batchSize * imageShape.height * imageShape.width * imageShape.channels,
      Math.max(1, r.model.concurrency) + 1,
    ),
    assembler: setup.topK === null ? {} : { topK: setup.topK },
  };
}

/**
 * What standardize applies, with rows in the model's layout: the artifact's
 * statistics, or under `--no-stats` only `--rescale` (or nothing).
 * @throws FeaturewiseError MODEL_MISMATCH for a ZCA artifact fitted in the other layout
 */
function standardizeParams(
  artifact: LoadedArtifact | null,
  rescale: number | null,
  imageShape: ImageShape,
  rowFormat: DataFormat,
  model: LoadedModel,
  input: ResolvedInput,
): StandardizeParams | null {
  if (artifact === null) {
    if (rescale === null) return null;
    const none = new Float64Array(imageShape.channels);
    return {
      flags: FIT_DEFAULTS.flags,
      rescale,
      dataFormat: rowFormat,
      imageShape,
      channelMean: none,
      channelStd: none,
      whitening: null,
    };
  }
  return paramsInLayout(artifact.params, artifact.location, model.input, input);
}

/** `--top-k` and `--labels`, checked against the model's first output before any image is read. */
async function readTopK(
  options: PredictOptions,
  model: LoadedModel,
  storage: Storage,
): Promise<RunTopK | null> {
  if (options.topK === null) {
    if (options.labels !== null) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `--labels ${options.labels} needs --top-k K`,
      );
    }
    return null;
  }
  if (options.format === "npy") {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--top-k ${options.topK} with --format npy: the top-k columns are written by the parquet and jsonl formats only`,
    );
  }
  const first = model.outputs[0]!;
  const classes = first.shape.length === 2 ? first.shape[1] : null;
  if (typeof classes !== "number" || options.topK < 1 || options.topK > classes) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--top-k ${options.topK}: the model's first output "${first.name}" ${formatShape(first.shape)} ` +
        `${typeof classes === "number" ? `has ${classes} classes; expected 1 to ${classes}` : "is not one score per class"}`,
    );
  }
  if (options.labels === null) return { k: options.topK };
  const { parent, name } = parentLocation(options.labels);
  const labelsStore: ObjectStore = storage.open(parent);
  const bytes = await labelsStore.get(name);
  return { k: options.topK, labels: parseLabels(bytes, options.labels, classes) };
}
