/**
 * The fit's four kinds of job, registered with every featurewise worker:
 * `coordinator` (lists, plans, adds the flow; main thread, all I/O), then on
 * sandbox threads `shard` (partial moments), `reduce` (a merge-tree node)
 * and `finalize` (the Keras math and the artifact). Each keeps the fit's
 * record (fit-state.ts) current through its hooks.
 */
import { runCoordinatorJob } from "./coordinator-job.js";
import { runFinalizeJob, type FinalizeJobResult } from "./finalize-job.js";
import { jobIds } from "./fit-names.js";
import { FitStateStore } from "./fit-state.js";
import {
  defineJob,
  PlanningContext,
  runIdIn,
  type AnyJobKind,
  type JobEnvironment,
} from "@featurewise/queue";
import { parsePayload } from "./payloads.js";
import { runReduceJob } from "./reduce-job.js";
import { runShardJob, type ShardJobResult } from "./shard-job.js";
import { ThreadRuntime } from "./thread-runtime.js";
import { trimShardPayloads } from "./trim-shard-payloads.js";

/** Every fit job's data names its fit. */
const fitIdOf = runIdIn("fitId");

const threadRuntime = (env: JobEnvironment): ThreadRuntime => new ThreadRuntime(env.settings);

export const coordinatorJob = defineJob({
  queue: "coordinator",
  onThread: false,
  parse: (data) => parsePayload("coordinator", data),
  runId: fitIdOf,
  where: () => "coordinator",
  context: (env) =>
    new PlanningContext(
      env,
      "finalize",
      (connection, prefix) => new FitStateStore(connection, prefix),
    ),
  close: (ctx) => ctx.close(),
  async run(p, ctx) {
    const status = await ctx.runs.read(p.fitId);
    // A coordinator that ran again after adding the flow (its worker died) has nothing left to do.
    if (!(await ctx.needsPlanning(p.fitId, status?.state, jobIds.finalize(p.fitId))))
      return { shards: status?.shardsTotal ?? 0, listed: status?.imagesTotal ?? null };
    return runCoordinatorJob(p, ctx);
  },
});

export const shardJob = defineJob({
  queue: "shard",
  onThread: true,
  parse: (data) => parsePayload("shard", data),
  runId: fitIdOf,
  where: (p) => p.spec.id,
  context: threadRuntime,
  warm(rt) {
    rt.startDecodePool();
    rt.loadDefaultBackend();
  },
  async run(p, rt) {
    await rt.checkFitActive(p.fitId);
    return runShardJob(p, rt);
  },
  async onCompleted(fitId, r: ShardJobResult, { runs }) {
    await runs.recordPart(fitId, r.index, { shardsDone: 1, images: r.images, skipped: r.skipped });
  },
});

export const reduceJob = defineJob({
  queue: "reduce",
  onThread: true,
  parse: (data) => parsePayload("reduce", data),
  runId: fitIdOf,
  where: (p) => `reduce node ${p.level}-${p.index}`,
  context: threadRuntime,
  async run(p, rt) {
    await rt.checkFitActive(p.fitId);
    return runReduceJob(p, rt);
  },
});

export const finalizeJob = defineJob({
  queue: "finalize",
  onThread: true,
  parse: (data) => parsePayload("finalize", data),
  runId: fitIdOf,
  where: () => "finalize",
  context: threadRuntime,
  warm(rt) {
    rt.loadDefaultBackend();
  },
  async run(p, rt) {
    await rt.checkFitActive(p.fitId);
    const result = await runFinalizeJob(p, rt);
    // Best effort: untrimmed jobs only cost memory until their retention ends.
    await trimShardPayloads(rt.redis(), rt.settings.prefix, p.fitId, p.shards).catch(() => 0);
    return result;
  },
  async onActive(fitId, { runs }) {
    await runs.setState(fitId, "finalizing");
  },
  async onCompleted(fitId, r: FinalizeJobResult, { runs, log }) {
    log(`fit ${fitId} succeeded: ${r.n} images (${r.skipped} skipped), artifact ${r.artifact}`);
    await runs.setState(fitId, "succeeded", { artifact: r.artifact });
  },
});

/** The fit's kinds, as a job module exports them (see `@featurewise/queue`'s job-registry.ts). */
export const jobKinds: readonly AnyJobKind[] = [coordinatorJob, shardJob, reduceJob, finalizeJob];

/** This module, for `jobModules` (a sandbox thread imports it by URL). */
export const FIT_JOB_MODULE = import.meta.url;
