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
  COLOR_MODE_CHANNELS,
  FEATUREWISE_VERSION,
  type ImageShape,
  type PredictOptions,
  type SkippedItem,
} from "@featurewise/core";
import { DecodePool, openSource, type ShardSpec } from "@featurewise/dataset";
import {
  checkFitOutput,
  checkSkipped,
  folderWalk,
  readArtifact,
  runInOrder,
  selectBackend,
  StreamingPlan,
} from "@featurewise/pipeline";
import { Storage } from "@featurewise/storage";
import { partFormat } from "../output/part-format.js";
import type { LoadedModel } from "../runtime.js";
import { selectRuntime } from "../runtime-registry.js";
import { completeManifest, manifestHead, type PredictManifest } from "./manifest.js";
import { modelChecksums, openModel } from "./open-model.js";
import { predictPart } from "./predict-part.js";
import { prepareOutput, verifiedPart, writeManifest, type PartRecord } from "./run-output.js";
import { resolveRunSetup, shardPredictorContext } from "./run-setup.js";
import { defaultSessions } from "./session-count.js";
import type { ModelBatch } from "./shard-predictor.js";

/** Shards predicted side by side (see the shard loop). */
const SHARDS_AHEAD = 2;

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
  const cores = availableParallelism();
  const storage = runtime.storage ?? new Storage();
  const backend = selectBackend(options.backend);
  let model: LoadedModel | null = null;
  let pool: DecodePool | null = null;
  try {
    const out = storage.open(options.out);
    // Before anything is loaded: an output that cannot work.
    await checkFitOutput(out, options.source);
    const artifact = options.stats === null ? null : await readArtifact(storage, options.stats);
    // Resolved here, so the run's identity records the count that ran.
    const sessions =
      options.sessions ?? defaultSessions(cores, options.batchSize, knownShape(artifact, options));
    const threads = options.threads ?? Math.max(1, Math.floor(cores / Math.max(1, sessions)));
    // The decode threads start (bootstrap, module loading) while the sessions load.
    pool = new DecodePool(runtime.decodeThreads);
    const recorded = await openModel(options.model, storage);
    const selected = await selectRuntime(options.runtime, recorded.files, {
      device: options.device,
      threads,
      sessions,
    });
    model = selected.model;
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
    const checksums = await modelChecksums(recorded);
    const setup = await resolveRunSetup({
      options,
      artifact,
      model,
      modelSha256: checksums.sha256,
      imageShape,
      decode,
      sourceUri: source.uri,
      device: model.device,
      threads,
      storage,
    });
    const format = partFormat(options.format);
    const resume = await prepareOutput(out, setup.id, setup.identity, options.existing);

    const records: PartRecord[] = [];
    let reused = 0;
    const report = () =>
      onProgress({ phase: "predicting", done, total: plan.listed, skipped: skipped.length });
    const context = {
      ...shardPredictorContext(options, setup, imageShape, decode, {
        source,
        decoder: pool.decodeMany.bind(pool),
        inFlight: Math.max(2, 2 * pool.size),
        model,
        la: backend.la,
      }),
      onImage: () => {
        if (++done % 64 === 0) report();
      },
      ...(runtime.onBatch === undefined ? {} : { onBatch: runtime.onBatch }),
    };
    // Shards run SHARDS_AHEAD at a time, so the next shard's images decode while
    // the last batches of one are in the model, and the sessions never wait at
    // a shard's end; parts are still written whole, records taken in order.
    const running = new Set<Promise<unknown>>();
    const partOf = (spec: ShardSpec): Promise<{ record: PartRecord; kept: boolean }> => {
      const task = (async () => {
        const kept = resume ? await verifiedPart(out, spec.index) : null;
        if (kept !== null) return { record: kept, kept: true };
        return { record: await predictPart(out, format, source, spec, context), kept: false };
      })();
      running.add(task);
      task.then(
        () => running.delete(task),
        () => running.delete(task),
      );
      return task;
    };
    try {
      for await (const { record, kept } of runInOrder(plan.shards(), SHARDS_AHEAD, partOf)) {
        records.push(record);
        skipped.push(...record.skipped);
        if (kept) {
          reused++;
          done += record.rows + record.skipped.length;
          report();
        }
      }
    } catch (err) {
      // Nothing may write after the run has failed (the pool and model close next).
      await Promise.allSettled(running);
      throw err;
    }
    const n = records.reduce((sum, r) => sum + r.rows, 0);
    checkSkipped(source.uri, n, skipped, { maxSkipped: options.maxSkipped, decode }, imageShape);
    onProgress({ phase: "writing", done, total: done, skipped: skipped.length });
    const listing = plan.listing();
    const seconds = (performance.now() - started) / 1000;
    const head = manifestHead({
      options,
      setup,
      model: {
        location: recorded.files.uri,
        checksums,
        runtime: model.runtime,
        device: model.device,
        reason: selected.reason,
        input: model.input,
        outputs: model.outputs,
      },
      artifact:
        artifact === null
          ? null
          : { location: artifact.location, statsSha256: artifact.statsSha256 },
      source: { uri: source.uri, fingerprint: listing.fingerprint, listed: listing.listed },
    });
    const manifest = completeManifest(head, records, {
      seconds,
      imagesPerSecond: n / Math.max(seconds, 1e-9),
      partsReused: reused,
    });
    await writeManifest(out, manifest);
    return { manifest: { featurewise: FEATUREWISE_VERSION, ...manifest }, location: out.root };
  } finally {
    await pool?.close();
    await model?.dispose();
    backend.dispose();
    if (runtime.storage === undefined) storage.close();
  }
}

/** The images' shape before any is read: the artifact's, or `--size` with the colour mode's channels. */
function knownShape(
  artifact: { readonly params: { readonly imageShape: ImageShape } } | null,
  options: PredictOptions,
): ImageShape | null {
  if (artifact !== null) return artifact.params.imageShape;
  const size = options.decode.targetSize;
  if (size === null) return null;
  return {
    height: size[0],
    width: size[1],
    channels: COLOR_MODE_CHANNELS[options.decode.colorMode],
  };
}
