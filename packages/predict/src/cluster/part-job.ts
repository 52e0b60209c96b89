import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import { openSource } from "@featurewise/dataset";
import { partFormat } from "../output/part-format.js";
import { predictPart } from "../pipeline/predict-part.js";
import { verifiedPart, type PartRecord } from "../pipeline/run-output.js";
import { resolveRunSetup, shardPredictorContext } from "../pipeline/run-setup.js";
import type { PartPayload } from "./payloads.js";
import type { PartRuntime } from "./part-runtime.js";

/** What a part job returns (stored in Redis: counts only). */
export interface PartJobResult {
  readonly index: number;
  readonly rows: number;
  readonly skipped: number;
  /** True when the part was found whole (written by an earlier attempt or try) and kept. */
  readonly reused: boolean;
}

/**
 * Predicts one part exactly as the embedded predict does (the same setup,
 * the same shard predictor, the same writer): a part found whole with its
 * record (an earlier attempt that died after writing it) is kept, any other
 * is written again, whole, under the same keys.
 * @throws FeaturewiseError INVALID_ARGUMENT when this worker does not arrive
 *   at the run id the plan did (the artifact, the model or a label file
 *   changed meanwhile); the model's and the images' own errors
 */
export async function runPartJob(p: PartPayload, rt: PartRuntime): Promise<PartJobResult> {
  const { options, spec } = p;
  const out = rt.storage.open(options.out);
  const kept = await verifiedPart(out, spec.index);
  if (kept !== null) return partResult(kept, true);
  const artifact =
    options.stats === null || p.artifactSha256 === null
      ? null
      : await rt.artifact(options.stats, p.artifactSha256);
  const cached = await rt.model(options, p.model);
  const source = openSource(options.source, rt.storage);
  const decode = artifact?.doc.decode ?? options.decode;
  const setup = await resolveRunSetup({
    options,
    artifact,
    model: cached.model,
    modelSha256: cached.sha256,
    imageShape: p.imageShape,
    decode,
    sourceUri: source.uri,
    device: options.device,
    threads: options.threads,
    storage: rt.storage,
  });
  if (setup.id !== p.runId) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `part ${spec.index} of ${p.predictId}: this worker arrives at run ${setup.id}, the plan at ${p.runId} (an input changed since the run was planned)`,
    );
  }
  const ctx = shardPredictorContext(options, setup, p.imageShape, decode, {
    source,
    decoder: rt.decoder,
    inFlight: rt.inFlight,
    model: cached.model,
    la: rt.backend(options.backend).la,
  });
  return partResult(await predictPart(out, partFormat(options.format), source, spec, ctx), false);
}

function partResult(record: PartRecord, reused: boolean): PartJobResult {
  return { index: record.part, rows: record.rows, skipped: record.skipped.length, reused };
}
