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
import type { FitOptions } from "./fit-options.js";
import { putParts } from "./put-parts.js";

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
}

/**
 * Finalizes merged moments into Keras statistics and writes the artifact.
 * An older `stats.json` is removed first and the new one written last, so
 * a reader never takes a half-written artifact for a complete one.
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
  const doc: StatsDocument = {
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
  for (const [name, parts] of encodeArtifact(doc, stats, moments))
    await putParts(store, name, parts);
  return doc;
}
