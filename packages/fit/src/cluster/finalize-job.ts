import { performance } from "node:perf_hooks";
import { coupleFlags, mergeAll, type Moments } from "@featurewise/core";
import { openSource } from "@featurewise/dataset";
import type { ObjectStore } from "@featurewise/storage";
import { ArtifactLock } from "@featurewise/pipeline";
import { checkSkipped } from "@featurewise/pipeline";
import { writeArtifact } from "../write-artifact.js";
import { doneKey, runPrefix } from "./fit-names.js";
import type { JobContext } from "./job-context.js";
import type { FinalizePayload } from "./payloads.js";
import { mergeNodes } from "./tree-nodes.js";
import { joinKey } from "@featurewise/storage";

/** What a finalize job returns, and what `done.json` records. */
export interface FinalizeJobResult {
  readonly fitId: string;
  /** The artifact's URI. */
  readonly artifact: string;
  readonly n: number;
  readonly skipped: number;
}

/**
 * Merges the top node of the merge tree from its members and turns it into
 * the artifact with the embedded fit's own `writeArtifact` (stats.json
 * last), then removes the fit's partials.
 * Idempotent: a retry after the artifact was completed returns its record.
 */
export async function runFinalizeJob(
  p: FinalizePayload,
  ctx: JobContext,
): Promise<FinalizeJobResult> {
  const store = ctx.storage.open(p.options.out);
  const previous = await readDone(store, p.fitId);
  if (previous !== null) return previous;

  const { moments: top, sidecar } = await mergeNodes(store, p.inputs);
  const moments: Moments = p.wrap ? mergeAll([top]) : top;
  const sourceUri = openSource(p.options.source, ctx.storage).uri;
  checkSkipped(sourceUri, moments.n, sidecar.skipped, p.options, p.imageShape);
  const { effective, warnings } = coupleFlags(p.options.flags);
  const backend = ctx.backend(p.options.backend);
  // As in the embedded fit: one writer of an artifact at a time (a busy
  // location fails this attempt with OUTPUT_IN_USE, which is retried). A lock
  // of this same finalize was left by an attempt that crashed: BullMQ runs
  // one attempt of a job at a time.
  const lock = await ArtifactLock.acquire(store, `finalize ${p.fitId}`, { reclaimOwn: true });
  const stats = await writeArtifact(store, moments, {
    options: p.options,
    effective,
    warnings,
    imageShape: p.imageShape,
    skipped: [...sidecar.skipped],
    source: { uri: sourceUri, listed: p.listed ?? sidecar.images, fingerprint: p.fingerprint },
    backend: { name: backend.la.name, reason: backend.reason },
    la: backend.la,
    // The fit's clock starts at submission, on whichever machine that was.
    started: performance.now() - (Date.now() - p.submittedAt),
    lock,
  }).finally(() => lock.release());
  const result: FinalizeJobResult = {
    fitId: p.fitId,
    artifact: store.root,
    n: stats.n,
    skipped: stats.skipped.count,
  };
  await store.put(doneKey(p.fitId), new TextEncoder().encode(JSON.stringify(result)));
  await removeIntermediates(store, p.fitId);
  return result;
}

async function readDone(store: ObjectStore, fitId: string): Promise<FinalizeJobResult | null> {
  if ((await store.head(doneKey(fitId))) === null) return null;
  return JSON.parse(new TextDecoder().decode(await store.get(doneKey(fitId)))) as FinalizeJobResult;
}

/** Deletes the partials and reduce nodes (they can be 8·D(D+1)/2 bytes each); plan and marker stay. */
async function removeIntermediates(store: ObjectStore, fitId: string): Promise<void> {
  for (const folder of ["partials", "reduce"]) {
    const keys: string[] = [];
    for await (const item of store.list(joinKey(runPrefix(fitId), folder))) keys.push(item.key);
    for (const key of keys) await store.delete(key);
  }
}
