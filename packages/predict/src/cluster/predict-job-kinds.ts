/**
 * The predict run's three kinds of job, registered with every featurewise
 * worker beside the fit's: `predict-plan` (lists, plans, queues the parts
 * and adds the flow; main thread, I/O and one model load), then on sandbox
 * threads `predict` (one part: decode, standardize, run the model, write;
 * the thread keeps its models loaded between jobs) and `predict-manifest`
 * (the manifest, once every part is done). Each keeps the run's record
 * (predict-state.ts) current through its hooks. `--queues predict` makes a
 * worker that only runs parts (a GPU node).
 */
import "../builtin-runtimes.js";
import "../output/builtin-formats.js";
import {
  defineJob,
  PlanningContext,
  runIdIn,
  type AnyJobKind,
  type JobEnvironment,
} from "@featurewise/queue";
import { runManifestJob, type ManifestJobResult } from "./manifest-job.js";
import { PartRuntime } from "./part-runtime.js";
import { runPartJob, type PartJobResult } from "./part-job.js";
import { parsePredictPayload } from "./payloads.js";
import { runPlanJob } from "./plan-job.js";
import { PREDICT_QUEUES, predictJobIds } from "./predict-names.js";
import { PredictStateStore } from "./predict-state.js";

/** Every predict job's data names its run. */
const predictIdOf = runIdIn("predictId");

const partRuntime = (env: JobEnvironment): PartRuntime => new PartRuntime(env.settings);

export const predictPlanJob = defineJob({
  queue: PREDICT_QUEUES.plan,
  onThread: false,
  parse: (data) => parsePredictPayload("plan", data),
  runId: predictIdOf,
  where: () => "plan",
  context: (env) =>
    new PlanningContext(
      env,
      PREDICT_QUEUES.manifest,
      (connection, prefix) => new PredictStateStore(connection, prefix),
    ),
  close: (ctx) => ctx.close(),
  async run(p, ctx) {
    const status = await ctx.runs.read(p.predictId);
    // A plan job that ran again after adding the flow (its worker died) has nothing left to do.
    if (!(await ctx.needsPlanning(p.predictId, status?.state, predictJobIds.manifest(p.predictId))))
      return { parts: status?.partsTotal ?? 0, listed: status?.imagesTotal ?? null };
    return runPlanJob(p, ctx);
  },
});

export const predictPartJob = defineJob({
  queue: PREDICT_QUEUES.part,
  onThread: true,
  parse: (data) => parsePredictPayload("part", data),
  runId: predictIdOf,
  where: (p) => `part ${p.spec.index} (${p.spec.id})`,
  context: partRuntime,
  warm(rt) {
    rt.startDecodePool();
  },
  async run(p, rt) {
    await rt.guard.checkActive(p.predictId);
    return runPartJob(p, rt);
  },
  async onCompleted(predictId, r: PartJobResult, { runs }) {
    await runs.recordPart(predictId, r.index, {
      partsDone: 1,
      images: r.rows + r.skipped,
      skipped: r.skipped,
      partsReused: r.reused ? 1 : 0,
    });
  },
});

export const predictManifestJob = defineJob({
  queue: PREDICT_QUEUES.manifest,
  onThread: true,
  parse: (data) => parsePredictPayload("manifest", data),
  runId: predictIdOf,
  where: () => "manifest",
  context: partRuntime,
  async run(p, rt) {
    await rt.guard.checkActive(p.predictId);
    return runManifestJob(p, rt);
  },
  async onActive(predictId, { runs }) {
    await runs.setState(predictId, "writing");
  },
  async onCompleted(predictId, r: ManifestJobResult, { runs, log }) {
    log(`predict ${predictId} succeeded: ${r.n} images (${r.skipped} skipped), ${r.manifest}`);
    await runs.setState(predictId, "succeeded", { manifest: r.manifest });
  },
});

/** The predict run's kinds, as a job module exports them (see `@featurewise/queue`'s job-registry.ts). */
export const jobKinds: readonly AnyJobKind[] = [predictPlanJob, predictPartJob, predictManifestJob];

/** This module, for `jobModules` (a sandbox thread imports it by URL). */
export const PREDICT_JOB_MODULE = import.meta.url;
