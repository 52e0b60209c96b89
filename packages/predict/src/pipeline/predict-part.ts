/**
 * One part of a prediction, end to end: a shard of the plan through the
 * model, its part's files written whole, then its record. The embedded
 * predict runs it for each shard in turn; on the cluster each part job runs
 * it once (again after a crash: same bytes, same keys).
 */
import { withOpenShard, type ImageSource, type ShardSpec } from "@featurewise/dataset";
import type { ObjectStore } from "@featurewise/storage";
import type { PartFormat } from "../output/part-format.js";
import { writePart, type PartRecord } from "./run-output.js";
import { predictShard, type ShardPredictorContext } from "./shard-predictor.js";

/** Predicts shard `spec` of `source` as part `spec.index` and writes it to `out`. */
export async function predictPart(
  out: ObjectStore,
  format: PartFormat,
  source: ImageSource,
  spec: ShardSpec,
  ctx: ShardPredictorContext,
): Promise<PartRecord> {
  const part = spec.index;
  const result = await withOpenShard(source, spec, (shard) => predictShard(shard, part, ctx));
  const files = format.encode(result.part);
  return writePart(out, part, result.part.keys.length, files, result.skipped);
}
