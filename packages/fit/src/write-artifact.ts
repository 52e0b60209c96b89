import { performance } from "node:perf_hooks";
import {
  ARTIFACT_FILES,
  encodeArtifact,
  FEATUREWISE_VERSION,
  finalizeStatistics,
  imageDims,
  STATS_SCHEMA_VERSION,
  type FitFlags,
  type ImageShape,
  type LinearAlgebra,
  type Moments,
  type SkippedItem,
  type StatsDocument,
} from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";
import { type ArtifactLock, putParts } from "@featurewise/pipeline";
import type { FitOptions } from "./fit-options.js";

/** Everything besides the moments that goes into an artifact. */
export interface ArtifactContext {
  readonly options: FitOptions;
  readonly effective: FitFlags;
  readonly warnings: string[];
  readonly imageShape: ImageShape;
  readonly skipped: SkippedItem[];
  readonly source: StatsDocument["source"];
  readonly backend: StatsDocument["backend"];
  readonly la: LinearAlgebra;
  /** performance.now() when the fit started. */
  readonly started: number;
  /** The lock this writer holds on the location; checked before `stats.json` is written. */
  readonly lock: ArtifactLock;
}

/**
 * Finalizes merged moments into Keras statistics and writes the artifact,
 * replacing any earlier one as a whole: its `stats.json` is removed first,
 * the new files written, the artifact files of the earlier fit that this one
 * does not write (a whitening matrix, after a fit without `--zca`) removed,
 * and the new `stats.json`, with the sha256 of every file, written last. A
 * reader never takes a half-written or mixed artifact for a complete one.
 * Other files in the location are left alone.
 */
export async function writeArtifact(
  store: ObjectStore,
  moments: Moments,
  ctx: ArtifactContext,
): Promise<StatsDocument> {
  const { options, effective } = ctx;
  await store.delete(ARTIFACT_FILES.stats);
  const finalizeStart = performance.now();
  const stats = await finalizeStatistics(
    moments,
    {
      profile: options.profile,
      flags: effective,
      rescale: options.rescale,
      zcaEpsilon: options.zcaEpsilon,
      dataFormat: options.dataFormat,
      imageShape: ctx.imageShape,
    },
    ctx.la,
  );
  const now = performance.now();
  const seconds = (now - ctx.started) / 1000;
  const doc: Omit<StatsDocument, "checksums"> = {
    schema: "featurewise.stats",
    schemaVersion: STATS_SCHEMA_VERSION,
    featurewiseVersion: FEATUREWISE_VERSION,
    createdAt: new Date().toISOString(),
    profile: options.profile,
    requestedFlags: options.flags,
    flags: effective,
    warnings: ctx.warnings,
    rescale: options.rescale,
    zcaEpsilon: options.zcaEpsilon,
    dataFormat: options.dataFormat,
    decode: options.decode,
    imageShape: imageDims(ctx.imageShape, options.dataFormat),
    n: stats.n,
    skipped: { count: ctx.skipped.length, items: ctx.skipped },
    channelMean: Array.from(stats.channelMean),
    channelStd: Array.from(stats.channelStd),
    files: {
      mean: ARTIFACT_FILES.mean,
      std: ARTIFACT_FILES.std,
      whitening: stats.whitening === null ? null : ARTIFACT_FILES.whitening,
      npz: ARTIFACT_FILES.npz,
      moments: ARTIFACT_FILES.moments,
    },
    source: ctx.source,
    backend: ctx.backend,
    timings: {
      seconds,
      imagesPerSecond: ctx.source.listed / seconds,
      finalizeSeconds: (now - finalizeStart) / 1000,
    },
  };
  const encoded = await encodeArtifact(doc, stats, moments);
  const last = encoded.files.pop()!; // stats.json
  for (const [name, parts] of encoded.files) await putParts(store, name, parts);
  const written = new Set(encoded.files.map(([name]) => name));
  for (const name of Object.values(ARTIFACT_FILES))
    if (name !== ARTIFACT_FILES.stats && !written.has(name)) await store.delete(name);
  ctx.lock.check();
  await putParts(store, last[0], last[1]);
  return encoded.doc;
}
