import { checkSkipped } from "@featurewise/pipeline";
import { completeManifest } from "../pipeline/manifest.js";
import { MANIFEST, verifiedPart, writeManifest, type PartRecord } from "../pipeline/run-output.js";
import type { ManifestPayload } from "./payloads.js";
import type { PartRuntime } from "./part-runtime.js";

/** What the manifest job returns. */
export interface ManifestJobResult {
  /** The manifest's URI. */
  readonly manifest: string;
  readonly n: number;
  readonly skipped: number;
}

/**
 * Writes the run's manifest once every part is done: each part's record
 * read back and its files checked by sha256 (a part is done when its files
 * and its record exist), the skip limit checked over them all as the
 * embedded predict does, and the manifest built by the same code. Run again
 * after a crash, it writes the same manifest (timings aside).
 */
export async function runManifestJob(
  p: ManifestPayload,
  rt: PartRuntime,
): Promise<ManifestJobResult> {
  const { options } = p;
  const out = rt.storage.open(options.out);
  const records: PartRecord[] = [];
  for (let index = 0; index < p.parts; index++) {
    const record = await verifiedPart(out, index);
    // Every child completed, so this is a part deleted or damaged since: retried, then the run fails.
    if (record === null)
      throw new Error(`part ${index} of ${p.predictId} is missing or damaged in ${out.root}`);
    records.push(record);
  }
  const skipped = records.flatMap((r) => r.skipped);
  const n = records.reduce((sum, r) => sum + r.rows, 0);
  checkSkipped(
    p.head.source.uri,
    n,
    skipped,
    { maxSkipped: options.maxSkipped, decode: p.decode },
    p.imageShape,
  );
  const fields = await rt.guard.runs.readFields(p.predictId);
  const seconds = (Date.now() - p.submittedAt) / 1000;
  const manifest = completeManifest(p.head, records, {
    seconds,
    imagesPerSecond: n / Math.max(seconds, 1e-9),
    partsReused: Number(fields?.["partsReused"] ?? 0),
  });
  await writeManifest(out, manifest);
  return { manifest: out.uriOf(MANIFEST), n, skipped: skipped.length };
}
