import type { FlowJob } from "bullmq";
import {
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  type PredictOptions,
} from "@featurewise/core";
import { openSource, withoutItems, type ShardSpec } from "@featurewise/dataset";
import { checkFitOutput, folderWalk, readArtifact, StreamingPlan } from "@featurewise/pipeline";
import {
  childJobOptions,
  injectFaults,
  jobOptions,
  runEndedError,
  type PlanningContext,
} from "@featurewise/queue";
import { manifestHead } from "../pipeline/manifest.js";
import { modelChecksums, openModel, type RecordedModel } from "../pipeline/open-model.js";
import { prepareOutput } from "../pipeline/run-output.js";
import { resolveRunSetup } from "../pipeline/run-setup.js";
import { selectRuntime, type SelectedModel } from "../runtime-registry.js";
import { parsePredictPayload, type PartPayload, type PlanPayload } from "./payloads.js";
import { PREDICT_QUEUES, predictJobIds } from "./predict-names.js";
import type { PredictStateStore } from "./predict-state.js";

/** What the plan job needs from its worker process (the flow's root is the manifest job). */
export type PlanContext = PlanningContext<PredictStateStore>;

/** What a plan job returns. */
export interface PlanJobResult {
  readonly parts: number;
  /** Images listed; null for tar sources. */
  readonly listed: number | null;
}

/**
 * Plans a submitted prediction as the embedded predict does (artifact,
 * model, listing, shard plan, run identity, `--out` prepared with the run's
 * marker), queues one part job per shard as the listing cuts it, and adds
 * the run's flow at the end: the manifest job as the parent of every part
 * (BullMQ adopts the part jobs already queued, counting those already done).
 * Run again after a crash, it adds nothing twice (job ids are deterministic)
 * and does not prepare `--out` again.
 */
export async function runPlanJob(p: PlanPayload, ctx: PlanContext): Promise<PlanJobResult> {
  const { options, predictId } = p;
  if (!(await ctx.runs.setState(predictId, "planning"))) throw runEndedError(predictId, "over");
  const prepared = (await ctx.runs.readFields(predictId))?.["outputPrepared"] === "1";
  const source = openSource(options.source, ctx.storage, folderWalk(options));
  const out = ctx.storage.open(options.out);
  if (!prepared) await checkFitOutput(out, options.source);
  const artifact = options.stats === null ? null : await readArtifact(ctx.storage, options.stats);
  const recorded = await openModel(options.model, ctx.storage);
  const { selected, fellBack } = await loadForPlanning(options, recorded);
  try {
    const decode = artifact?.doc.decode ?? options.decode;
    const plan = new StreamingPlan(source, { imagesPerShard: options.imagesPerShard, decode });
    const imageShape = artifact?.params.imageShape ?? (await plan.imageShape());
    const checksums = await modelChecksums(recorded);
    const model = selected.model;
    const setup = await resolveRunSetup({
      options,
      artifact,
      model,
      modelSha256: checksums.sha256,
      imageShape,
      decode,
      sourceUri: source.uri,
      device: options.device,
      threads: options.threads,
      storage: ctx.storage,
    });
    if (!prepared) {
      await prepareOutput(out, setup.id, setup.identity, options.existing);
      await ctx.runs.setState(predictId, "planning", { outputPrepared: 1 });
    }
    const partPayload = (spec: ShardSpec): PartPayload =>
      parsePredictPayload("part", {
        v: 1,
        predictId,
        runId: setup.id,
        options,
        imageShape,
        spec,
        model: { sha256: checksums.sha256, runtime: model.runtime },
        artifactSha256: artifact?.statsSha256 ?? null,
      });
    // Kept without their items for the flow: BullMQ adopts the jobs queued here by id.
    const parts: FlowJob[] = [];
    const queue = PREDICT_QUEUES.part;
    for await (const spec of plan.shards()) {
      const data = partPayload(spec);
      const opts = childJobOptions(predictJobIds.part(predictId, spec.index), p.retry);
      await ctx.flows.add({ name: queue, queueName: queue, data, opts });
      parts.push({
        name: queue,
        queueName: queue,
        data: { ...data, spec: withoutItems(spec) },
        opts,
      });
    }
    const listing = plan.listing();
    if (parts.length === 0) {
      throw new FeaturewiseError(ErrorCodes.EMPTY_SOURCE, `source ${source.uri}: no images`);
    }
    await injectFaults(ctx.faults, PREDICT_QUEUES.plan, null, 0);
    const head = manifestHead({
      options,
      setup,
      model: {
        location: recorded.files.uri,
        checksums,
        runtime: model.runtime,
        device: options.device === "auto" ? "auto" : options.device,
        reason:
          fellBack || options.device === "auto" || options.threads === null
            ? `each worker loads the model (device ${options.device}, threads ${options.threads ?? "the worker's --threads"}); planned with ${selected.reason}`
            : selected.reason,
        input: model.input,
        outputs: model.outputs,
      },
      artifact:
        artifact === null
          ? null
          : { location: artifact.location, statsSha256: artifact.statsSha256 },
      source: { uri: source.uri, fingerprint: listing.fingerprint, listed: listing.listed },
    });
    const flow: FlowJob = {
      name: PREDICT_QUEUES.manifest,
      queueName: PREDICT_QUEUES.manifest,
      data: parsePredictPayload("manifest", {
        v: 1,
        predictId,
        submittedAt: p.submittedAt,
        options,
        imageShape,
        decode,
        parts: parts.length,
        head,
      }),
      opts: jobOptions(predictJobIds.manifest(predictId), p.retry),
      children: parts,
    };
    await ctx.addFlow(predictId, flow, {
      partsTotal: parts.length,
      imagesTotal: listing.listed ?? "",
    });
    return { parts: parts.length, listed: listing.listed };
  } finally {
    await selected.model.dispose();
  }
}

/**
 * Loads the model to plan with (its input, outputs and runtime): on the
 * device the run asks for, or on the CPU when this node has no such device
 * (the parts run on workers that have it).
 */
async function loadForPlanning(
  options: PredictOptions,
  recorded: RecordedModel,
): Promise<{ selected: SelectedModel; fellBack: boolean }> {
  const load = (device: PredictOptions["device"]) =>
    selectRuntime(options.runtime, recorded.files, { device, threads: options.threads ?? 1 });
  try {
    return { selected: await load(options.device), fellBack: false };
  } catch (err) {
    if (options.device === "cpu" || !isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE))
      throw err;
    return { selected: await load("cpu"), fellBack: true };
  }
}
