import { performance } from "node:perf_hooks";
import {
  coupleFlags,
  flatSize,
  TreeMerger,
  type SkippedItem,
  type StatsDocument,
} from "@featurewise/core";
import { DecodePool, openSource, withOpenShard, type ShardSpec } from "@featurewise/dataset";
import { Storage, type ObjectStore } from "@featurewise/storage";
import {
  ArtifactLock,
  BufferPool,
  checkFitOutput,
  folderWalk,
  runInOrder,
  selectBackend,
  type SelectedBackend,
} from "@featurewise/pipeline";
import { FitPlan } from "./fit-plan.js";
import type { FitOptions, FitProgress } from "./fit-options.js";
import { checkSkipped } from "@featurewise/pipeline";
import { writeArtifact } from "./write-artifact.js";
import { computeShardMoments, type ShardContext, type ShardResult } from "./shard-moments.js";

/** What a finished fit reports. */
export interface FitResult {
  /** The artifact's `stats.json` contents. */
  readonly stats: StatsDocument;
  /** Where the artifact was written, as a URI. */
  readonly location: string;
}

/** How the embedded executor runs a fit; none of it changes the result. */
export interface EmbeddedFitRuntime {
  /** Opens S3 locations (configuration and connection pool). @defaultValue a Storage of the default configuration, closed after the fit */
  readonly storage?: Storage;
  /** Shards computed at once (fewer when their partial moments would be large). @defaultValue 2 */
  readonly shardConcurrency?: number;
}

/** Memory the partial moments of shards in flight may take together. */
const PARTIALS_BUDGET_BYTES = 1024 ** 3;

/**
 * Runs a whole fit in this process: list → shard plan → partial moments
 * (a few shards at once) → reduce tree in shard order → finalize →
 * artifact. The same shard and merge functions run on the cluster, so
 * results are bit-identical for the same shard plan.
 */
export async function runEmbeddedFit(
  options: FitOptions,
  onProgress: (p: FitProgress) => void = () => {},
  runtime: EmbeddedFitRuntime = {},
): Promise<FitResult> {
  const storage = runtime.storage ?? new Storage();
  const backend = selectBackend(options.backend);
  // Started first: its threads load their modules while the source is listed.
  const pool = new DecodePool();
  try {
    return await fit(
      options,
      onProgress,
      { storage, backend, pool },
      runtime.shardConcurrency ?? 2,
    );
  } finally {
    await pool.close();
    backend.dispose();
    if (runtime.storage === undefined) storage.close();
  }
}

async function fit(
  options: FitOptions,
  onProgress: (p: FitProgress) => void,
  { storage, backend, pool }: { storage: Storage; backend: SelectedBackend; pool: DecodePool },
  shardConcurrency: number,
): Promise<FitResult> {
  const started = performance.now();
  const store = storage.open(options.out);
  // Before any image is read: a location that cannot work, or that another fit is writing.
  await checkFitOutput(store, options.source);
  const lock = await ArtifactLock.acquire(store, "fit");
  try {
    return await fitLocked(options, onProgress, { storage, backend, pool }, shardConcurrency, {
      started,
      store,
      lock,
    });
  } finally {
    await lock.release();
  }
}

async function fitLocked(
  options: FitOptions,
  onProgress: (p: FitProgress) => void,
  { storage, backend, pool }: { storage: Storage; backend: SelectedBackend; pool: DecodePool },
  shardConcurrency: number,
  { started, store, lock }: { started: number; store: ObjectStore; lock: ArtifactLock },
): Promise<FitResult> {
  const { effective, warnings } = coupleFlags(options.flags);
  const source = openSource(options.source, storage, folderWalk(options));

  // Shards start as soon as the listing has cut them: decoding overlaps the listing.
  const skipped: SkippedItem[] = [];
  let done = 0;
  // Listing events carry the images done so far: done never goes back while the listing runs.
  const plan = new FitPlan(source, options, (listed) =>
    onProgress({ phase: "listing", done, total: null, skipped: skipped.length, listed }),
  );
  const imageShape = await plan.imageShape();
  const kind = plan.kind;
  const dim = flatSize(imageShape);
  const partialBytes = (kind === "full" ? dim * dim : dim) * 8 + 256 * dim * 8;
  const concurrency = Math.max(
    1,
    Math.min(shardConcurrency, Math.floor(PARTIALS_BUDGET_BYTES / partialBytes)),
  );

  const buffers = new BufferPool(2 * concurrency); // an accumulator and a batch per shard
  const context: ShardContext = {
    source,
    // Batches in flight are shared out among the shards running at once,
    // so memory does not depend on how many shards there are.
    stream: {
      decoder: (inputs, settings) => pool.decodeMany(inputs, settings),
      inFlight: Math.max(2, Math.ceil((3 * pool.size) / concurrency)),
    },
    decode: options.decode,
    dataFormat: options.dataFormat,
    imageShape,
    kind,
    onError: options.onError,
    la: backend.la,
    buffers,
    onImage: () => {
      done++;
      if (done % 64 === 0) {
        onProgress({ phase: "fitting", total: plan.listed, done, skipped: skipped.length });
      }
    },
  };
  const runShard = (spec: ShardSpec): Promise<ShardResult> =>
    withOpenShard(source, spec, (shard) => computeShardMoments(shard, context));
  const merger = new TreeMerger();
  for await (const result of runInOrder(plan.shards(), concurrency, runShard)) {
    skipped.push(...result.skipped);
    merger.push(result.moments);
    buffers.give(result.moments.comoment); // merged: the next shard may reuse it
  }
  const { fingerprint, listed: total } = plan.listing();
  const moments = merger.finish()!;
  onProgress({ phase: "fitting", total: done, done, skipped: skipped.length });
  checkSkipped(source.uri, moments.n, skipped, options, imageShape);
  onProgress({ phase: "finalizing", done, total: done, skipped: skipped.length });
  const stats = await writeArtifact(store, moments, {
    options,
    effective,
    warnings,
    imageShape,
    skipped,
    // For tar sources `listed` counts the samples read, not the tar files.
    source: { uri: source.uri, listed: total ?? done, fingerprint },
    backend: { name: backend.la.name, reason: backend.reason },
    la: backend.la,
    started,
    lock,
  });
  return { stats, location: store.root };
}
