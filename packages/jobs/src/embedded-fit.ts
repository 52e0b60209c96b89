import { performance } from "node:perf_hooks";
import {
  coupleFlags,
  ErrorCodes,
  FeaturewiseError,
  TreeMerger,
  type SkippedItem,
  type StatsDocument,
} from "@featurewise/core";
import {
  DecodePool,
  ListingFingerprint,
  openSource,
  planShards,
  type Shard,
} from "@featurewise/dataset";
import { openStore } from "@featurewise/storage";
import { selectBackend } from "./backends.js";
import { checkZcaSize, resolveImageShape } from "./fit-plan.js";
import type { FitOptions, FitProgress } from "./fit-options.js";
import { writeArtifact } from "./write-artifact.js";
import { computeShardMoments } from "./shard-moments.js";

/** What a finished fit reports. */
export interface FitResult {
  /** The artifact's `stats.json` contents. */
  readonly stats: StatsDocument;
  /** Where the artifact was written, as a URI. */
  readonly location: string;
}

/**
 * Runs a whole fit in this process: list → shards → partial moments →
 * reduce tree → finalize → artifact. The same shard and merge functions
 * run on the cluster, so results are bit-identical for the same shard plan.
 */
export async function runEmbeddedFit(
  options: FitOptions,
  onProgress: (p: FitProgress) => void = () => {},
): Promise<FitResult> {
  const started = performance.now();
  const { effective, warnings } = coupleFlags(options.flags);
  const source = openSource(options.source);
  const store = openStore(options.out);
  const backend = selectBackend(options.backend);

  const fingerprint = new ListingFingerprint();
  const shards: Shard[] = [];
  async function* fingerprinted() {
    for await (const item of source.list()) {
      fingerprint.add(item);
      if (fingerprint.items % 1000 === 0)
        onProgress({ phase: "listing", done: 0, total: null, skipped: 0 });
      yield item;
    }
  }
  for await (const shard of planShards(fingerprinted(), {
    imagesPerShard: options.imagesPerShard,
  })) {
    shards.push(shard);
  }
  const total = fingerprint.items;
  if (total === 0)
    throw new FeaturewiseError(ErrorCodes.EMPTY_SOURCE, `source ${source.uri} holds no files`);

  const imageShape = await resolveImageShape(
    source,
    shards.flatMap((s) => s.items),
    options.decode,
  );
  if (effective.zcaWhitening) checkZcaSize(imageShape, options.maxZcaBytes);

  const merger = new TreeMerger();
  const skipped: SkippedItem[] = [];
  let done = 0;
  const progress = { phase: "fitting" as const, total };
  const pool = new DecodePool();
  try {
    for (const shard of shards) {
      const result = await computeShardMoments(shard, {
        decoder: (bytes, settings) => pool.decode(bytes, settings),
        concurrency: 8 * pool.size,
        source,
        decode: options.decode,
        dataFormat: options.dataFormat,
        imageShape,
        kind: effective.zcaWhitening ? "full" : "diagonal",
        onError: options.onError,
        la: backend.la,
        onImage: () => {
          done++;
          if (done % 64 === 0) onProgress({ ...progress, done, skipped: skipped.length });
        },
      });
      skipped.push(...result.skipped);
      merger.push(result.moments);
    }
  } finally {
    await pool.close();
  }
  const moments = merger.finish()!;
  onProgress({ ...progress, done, skipped: skipped.length });
  if (moments.n === 0) {
    throw new FeaturewiseError(
      ErrorCodes.EMPTY_SOURCE,
      `source ${source.uri}: all ${total} files were skipped (first: ${skipped[0]?.key}: ${skipped[0]?.reason})`,
    );
  }
  onProgress({ phase: "finalizing", done, total, skipped: skipped.length });
  const stats = await writeArtifact(store, moments, {
    options,
    effective,
    warnings,
    imageShape,
    skipped,
    source: { uri: source.uri, listed: total, fingerprint: fingerprint.digest() },
    backend: { name: backend.la.name, reason: backend.reason },
    la: backend.la,
    started,
  });
  return { stats, location: store.root };
}
