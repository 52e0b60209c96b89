import type { FlowProducer } from "bullmq";
import { flatSize } from "@featurewise/core";
import { openSource } from "@featurewise/dataset";
import type { Storage } from "@featurewise/storage";
import { checkOutputLocation, planFit } from "../fit-plan.js";
import { buildFitFlow, validateFlow } from "./fit-flow.js";
import { planKey, shardKeys } from "./fit-names.js";
import type { FitStateStore } from "./fit-state.js";
import { fitEndedError } from "./job-errors.js";
import type { CoordinatorPayload, ShardPayload } from "./payloads.js";

/** What the coordinator needs from its worker process. */
export interface CoordinatorContext {
  readonly storage: Storage;
  readonly flows: FlowProducer;
  readonly fits: FitStateStore;
}

/** What a coordinator job returns. */
export interface CoordinatorJobResult {
  readonly shards: number;
  /** Images listed; null for tar sources. */
  readonly listed: number | null;
}

/**
 * Plans a submitted fit as the embedded fit does (listing in byte order,
 * fingerprint, shard plan, image shape, ZCA size check), writes the plan
 * next to the partials, and adds the fit's flow. Adding is idempotent:
 * a retried coordinator finds the jobs by their ids and adds nothing.
 */
export async function runCoordinatorJob(
  p: CoordinatorPayload,
  ctx: CoordinatorContext,
): Promise<CoordinatorJobResult> {
  const { options, fitId } = p;
  if (!(await ctx.fits.setState(fitId, "planning"))) throw fitEndedError(fitId, "over");
  const source = openSource(options.source, ctx.storage);
  const store = ctx.storage.open(options.out);
  await checkOutputLocation(store);
  const { shards, listed, imageShape, kind, fingerprint: digest } = await planFit(source, options);

  const shardPayloads = shards.map((spec): ShardPayload => ({
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
  }));
  const plan = {
    fitId,
    source: source.uri,
    fingerprint: digest,
    listed,
    imageShape,
    kind,
    dim: flatSize(imageShape),
    shards,
  };
  await store.put(planKey(fitId), new TextEncoder().encode(JSON.stringify(plan)));
  const flow = buildFitFlow({
    fitId,
    out: options.out,
    shards: shardPayloads,
    finalize: {
      v: 1,
      fitId,
      submittedAt: p.submittedAt,
      options,
      imageShape,
      shards: shards.length,
      listed,
      fingerprint: digest,
    },
    retry: p.retry,
  });
  validateFlow(flow);
  const started = await ctx.fits.setState(fitId, "running", {
    shardsTotal: shards.length,
    imagesTotal: listed ?? "",
  });
  if (!started) throw fitEndedError(fitId, "over");
  await ctx.flows.add(flow);
  return { shards: shards.length, listed };
}
