import { flatSize } from "@featurewise/core";
import { openSource, withoutItems, type ShardSpec } from "@featurewise/dataset";
import { FitPlan } from "../fit-plan.js";
import { checkFitOutput, folderWalk } from "@featurewise/pipeline";
import { buildFitFlow, childJobOptions, validateFlow } from "./fit-flow.js";
import { jobIds, planKey, shardKeys } from "./fit-names.js";
import { injectFaults, runEndedError, type PlanningContext } from "@featurewise/queue";
import type { FitStateStore } from "./fit-state.js";
import { parsePayload, type CoordinatorPayload, type ShardPayload } from "./payloads.js";

/** What the coordinator needs from its worker process (the flow's root is the finalize job). */
export type CoordinatorContext = PlanningContext<FitStateStore>;

/** What a coordinator job returns. */
export interface CoordinatorJobResult {
  readonly shards: number;
  /** Images listed; null for tar sources. */
  readonly listed: number | null;
}

/**
 * Plans a submitted fit as the embedded fit does (listing in byte order,
 * fingerprint, shard plan, image shape, ZCA size check), writes the plan
 * next to the partials, and adds the fit's flow.
 *
 * Shards run while the listing goes on, as in the embedded fit: each shard
 * job is queued as soon as the listing has cut it, and the flow added at the
 * end (when the tree's shape is known) takes the queued jobs in as its
 * leaves; BullMQ adopts a job that exists, counting one that has already
 * finished as done. Adding is idempotent: a retried coordinator finds the
 * jobs by their ids and adds nothing twice.
 */
export async function runCoordinatorJob(
  p: CoordinatorPayload,
  ctx: CoordinatorContext,
): Promise<CoordinatorJobResult> {
  const { options, fitId } = p;
  if (!(await ctx.runs.setState(fitId, "planning"))) throw runEndedError(fitId, "over");
  const source = openSource(options.source, ctx.storage, folderWalk(options));
  const store = ctx.storage.open(options.out);
  await checkFitOutput(store, options.source);
  const plan = new FitPlan(source, options);
  const imageShape = await plan.imageShape();
  const kind = plan.kind;

  const shardPayload = (spec: ShardSpec): ShardPayload =>
    parsePayload("shard", {
      v: 1,
      fitId,
      out: options.out,
      source: options.source,
      spec,
      decode: options.decode,
      dataFormat: options.dataFormat,
      imageShape,
      kind,
      onError: options.onError,
      backend: options.backend,
      output: shardKeys(fitId, spec.id),
    });
  // Kept for the flow and the plan document without their items, so the
  // coordinator holds one shard's keys at a time: the flow's leaves are the
  // jobs queued here, which BullMQ adopts by id (their data is not replaced).
  const shards: ShardPayload[] = [];
  for await (const spec of plan.shards()) {
    const data = shardPayload(spec);
    const opts = childJobOptions(jobIds.shard(fitId, spec.index), p.retry);
    await ctx.flows.add({ name: "shard", queueName: "shard", data, opts });
    shards.push({ ...data, spec: withoutItems(spec) });
  }
  const { fingerprint, listed } = plan.listing();
  await injectFaults(ctx.faults, "coordinator", null, 0);

  const planDoc = {
    fitId,
    source: source.uri,
    fingerprint,
    listed,
    imageShape,
    kind,
    dim: flatSize(imageShape),
    shards: shards.map((s) => s.spec),
  };
  await store.put(planKey(fitId), new TextEncoder().encode(JSON.stringify(planDoc)));
  const flow = buildFitFlow({
    fitId,
    out: options.out,
    shards,
    finalize: {
      v: 1,
      fitId,
      submittedAt: p.submittedAt,
      options,
      imageShape,
      shards: shards.length,
      listed,
      fingerprint,
    },
    retry: p.retry,
  });
  validateFlow(flow);
  await ctx.addFlow(fitId, flow, { shardsTotal: shards.length, imagesTotal: listed ?? "" });
  return { shards: shards.length, listed };
}
