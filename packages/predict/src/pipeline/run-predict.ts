/**
 * `featurewise predict` on one machine: source → the fit's shard plan →
 * per shard: its usable images (decoded on worker threads), standardized
 * with the artifact exactly as `transform` does, batches through the model
 * → one part per shard (`part-000042` = shard 42), rows in key order →
 * `manifest.json` last. A run killed at any point and resumed gives the same
 * parts and manifest (timings aside).
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import {
  ErrorCodes,
  FEATUREWISE_VERSION,
  FeaturewiseError,
  FIT_DEFAULTS,
  type DataFormat,
  type ImageShape,
  type PredictOptions,
  type SkippedItem,
  type StandardizeParams,
} from "@featurewise/core";
import { DecodePool, openSource, withOpenShard } from "@featurewise/dataset";
import {
  checkFitOutput,
  checkSkipped,
  folderWalk,
  readArtifact,
  selectBackend,
  StreamingPlan,
  type LoadedArtifact,
} from "@featurewise/pipeline";
import { parentLocation, Storage, type ObjectStore } from "@featurewise/storage";
import { formatShape, resolveInputLayout, type ResolvedInput } from "../model-input.js";
import { partFormat } from "../output/part-format.js";
import { parseLabels } from "../output/top-k.js";
import type { LoadedModel } from "../runtime.js";
import { selectRuntime } from "../runtime-registry.js";
import { encodeManifest, manifestColumns, type PredictManifest } from "./manifest.js";
import { modelChecksums, openModel } from "./open-model.js";
import {
  MANIFEST,
  prepareOutput,
  runId,
  verifiedPart,
  writePart,
  type PartRecord,
} from "./run-output.js";
import { predictShard, type ModelBatch } from "./shard-predictor.js";

/** Progress of a running prediction, reported often. */
export interface PredictProgress {
  readonly phase: "listing" | "predicting" | "writing";
  /** Images done (predicted or skipped). */
  readonly done: number;
  /** Images listed; known once the listing has ended. */
  readonly total: number | null;
  readonly skipped: number;
  /** Files listed so far, while the listing goes on (`total` is null until it ends). */
  readonly listed?: number;
}

/** How this process runs a prediction; none of it changes the result. */
export interface PredictRuntime {
  /** Opens S3 locations. @defaultValue a Storage of the default configuration, closed afterwards */
  readonly storage?: Storage;
  /** Sees every batch as the model receives it (tests). @defaultValue none */
  readonly onBatch?: (batch: ModelBatch) => void;
  /** Decode worker threads. @defaultValue os.availableParallelism() */
  readonly decodeThreads?: number;
}

/** What a finished prediction reports. */
export interface PredictResult {
  readonly manifest: PredictManifest;
  /** The output folder, as a URI. */
  readonly location: string;
}

/**
 * Runs a whole prediction in this process.
 * @throws FeaturewiseError MODEL_INVALID, MODEL_MISMATCH, NOT_FOUND (model,
 *   artifact), CORRUPT_ARTIFACT, INVALID_ARGUMENT (an `--out` holding another
 *   run), TOO_MANY_SKIPPED, or the first unusable image under `onError: "fail"`
 */
export async function runPredict(
  options: PredictOptions,
  onProgress: (p: PredictProgress) => void = () => {},
  runtime: PredictRuntime = {},
): Promise<PredictResult> {
  const started = performance.now();
  // Resolved here, so the run's identity records the count that ran. Two
  // sessions of one thread beat one of two on 2 cores (bench/RESULTS.md).
  const cores = availableParallelism();
  const sessions = options.sessions ?? (cores >= 2 ? 2 : 1);
  const threads = options.threads ?? Math.max(1, Math.floor(cores / Math.max(1, sessions)));
  const storage = runtime.storage ?? new Storage();
  const backend = selectBackend(options.backend);
  let model: LoadedModel | null = null;
  let pool: DecodePool | null = null;
  try {
    const out = storage.open(options.out);
    // Before anything is loaded: an output that cannot work.
    await checkFitOutput(out, options.source);
    const artifact = options.stats === null ? null : await readArtifact(storage, options.stats);
    const recorded = await openModel(options.model, storage);
    const selected = await selectRuntime(options.runtime, recorded.files, {
      device: options.device,
      threads,
      sessions,
    });
    model = selected.model;
    pool = new DecodePool(runtime.decodeThreads);
    const source = openSource(options.source, storage, folderWalk(options));
    const decode = artifact?.doc.decode ?? options.decode;
    const skipped: SkippedItem[] = [];
    let done = 0;
    // As the fit's: listing events carry the images done so far, so done never goes back.
    const plan = new StreamingPlan(
      source,
      { imagesPerShard: options.imagesPerShard, decode },
      (listed) =>
        onProgress({ phase: "listing", done, total: null, skipped: skipped.length, listed }),
    );
    // With an artifact the shape is known before any image is read.
    const imageShape = artifact?.params.imageShape ?? (await plan.imageShape());
    const input = resolveInputLayout(model.input, imageShape, options.inputLayout);
    const rowFormat: DataFormat = input.layout === "NHWC" ? "channels_last" : "channels_first";
    const params = standardizeParams(
      artifact,
      options.rescale,
      imageShape,
      rowFormat,
      model,
      input,
    );
    const topK = await readTopK(options, model, storage);
    const checksums = await modelChecksums(recorded);
    const identity = {
      model: checksums.sha256,
      runtime: model.runtime,
      device: model.device,
      threads,
      artifact: artifact?.statsSha256 ?? null,
      rescale: artifact === null ? options.rescale : null,
      decode,
      source: source.uri,
      imagesPerShard: options.imagesPerShard,
      inputLayout: input.layout,
      batchSize: options.batchSize,
      format: options.format,
      topK: topK === null ? null : { k: topK.k, labels: topK.labels ?? null },
    };
    const id = await runId(identity);
    const format = partFormat(options.format);
    const resume = await prepareOutput(out, id, identity, options.existing);

    // By part number: a part reused on resume may come while the one before is being written.
    const records: PartRecord[] = [];
    let writing: Promise<void> = Promise.resolve();
    let reused = 0;
    const report = () =>
      onProgress({ phase: "predicting", done, total: plan.listed, skipped: skipped.length });
    const context = {
      source,
      decode,
      imageShape,
      onError: options.onError,
      stream: {
        decoder: pool.decodeMany.bind(pool),
        batch: 32,
        inFlight: Math.max(2, 2 * pool.size),
      },
      model,
      input,
      params,
      rowFormat,
      la: backend.la,
      batchSize: options.batchSize,
      assembler: topK === null ? {} : { topK },
      onImage: () => {
        if (++done % 64 === 0) report();
      },
      ...(runtime.onBatch === undefined ? {} : { onBatch: runtime.onBatch }),
    };
    let index = 0;
    for await (const spec of plan.shards()) {
      const part = index++;
      const kept = resume ? await verifiedPart(out, part) : null;
      if (kept !== null) {
        reused++;
        done += kept.rows + kept.skipped.length;
        records[part] = kept;
        skipped.push(...kept.skipped);
        report();
        continue;
      }
      const result = await withOpenShard(source, spec, (shard) =>
        predictShard(shard, part, context),
      );
      const files = format.encode(result.part);
      // Written while the next shard runs; one part in writing at a time.
      await writing;
      writing = writePart(out, part, result.part.keys.length, files, result.skipped).then(
        (record) => void (records[part] = record),
      );
      writing.catch(() => {}); // awaited before the next part and after the last
      skipped.push(...result.skipped);
    }
    await writing;
    const n = records.reduce((sum, r) => sum + r.rows, 0);
    checkSkipped(source.uri, n, skipped, { maxSkipped: options.maxSkipped, decode }, imageShape);
    onProgress({ phase: "writing", done, total: done, skipped: skipped.length });
    const listing = plan.listing();
    const seconds = (performance.now() - started) / 1000;
    const manifest: Omit<PredictManifest, "featurewise"> = {
      runId: id,
      n,
      skipped: { count: skipped.length, items: skipped },
      format: options.format,
      columns: manifestColumns(
        model.outputs,
        topK === null ? null : { k: topK.k, labels: topK.labels !== undefined },
      ),
      parts: records.map(({ part, rows, files }) => ({ part, rows, files })),
      model: {
        location: recorded.files.uri,
        sha256: checksums.sha256,
        files: checksums.files,
        runtime: model.runtime,
        device: model.device,
        reason: selected.reason,
        input: { ...model.input, layout: input.layout, layoutReason: input.reason },
        outputs: model.outputs,
      },
      artifact:
        artifact === null
          ? null
          : { location: artifact.location, statsSha256: artifact.statsSha256 },
      rescale: artifact === null ? options.rescale : null,
      source: {
        uri: source.uri,
        imagesPerShard: options.imagesPerShard,
        fingerprint: listing.fingerprint,
        listed: listing.listed,
      },
      batchSize: options.batchSize,
      topK:
        topK === null
          ? null
          : { k: topK.k, output: model.outputs[0]!.name, labels: options.labels },
      timings: { seconds, imagesPerSecond: n / Math.max(seconds, 1e-9), partsReused: reused },
    };
    await out.put(MANIFEST, encodeManifest(manifest));
    return { manifest: { featurewise: FEATUREWISE_VERSION, ...manifest }, location: out.root };
  } finally {
    await pool?.close();
    await model?.dispose();
    backend.dispose();
    if (runtime.storage === undefined) storage.close();
  }
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
  const params = artifact.params;
  if (params.dataFormat === rowFormat) return params;
  if (params.flags.zcaWhitening) {
    throw new FeaturewiseError(
      ErrorCodes.MODEL_MISMATCH,
      `model input "${model.input.name}" ${formatShape(model.input.shape)} takes ${input.layout}; ` +
        `the ZCA artifact ${artifact.location} was fitted ${params.dataFormat}, and its whitening matrix applies only in that order`,
    );
  }
  // Per-channel statistics apply in either order.
  return { ...params, dataFormat: rowFormat };
}

/** `--top-k` and `--labels`, checked against the model's first output before any image is read. */
async function readTopK(
  options: PredictOptions,
  model: LoadedModel,
  storage: Storage,
): Promise<{ k: number; labels?: readonly string[] } | null> {
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
