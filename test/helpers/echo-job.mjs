// A test-only job kind: one module, registered with a real worker process by
// `featurewise worker --job-modules test/helpers/echo-job.mjs`
// (test/job-registry.redis.test.ts). It runs on a sandbox thread, warms its
// context before its first job, and keeps its run's record through the hooks.
import { isMainThread, threadId } from "node:worker_threads";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** @type {import("@featurewise/queue").JobKind<{runId: string, text: string}, object, {warmed: boolean, jobs: number}>} */
const echoJob = {
  queue: "echo",
  onThread: true,
  parse(data) {
    if (typeof data?.runId !== "string" || typeof data?.text !== "string")
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        "malformed echo job: expected {runId, text}",
      );
    return { runId: data.runId, text: data.text };
  },
  runId: (data) => (typeof data?.runId === "string" ? data.runId : null),
  where: (p) => `echo ${p.runId}`,
  context: (env) => ({ warmed: false, jobs: 0, queue: env.settings.queue }),
  warm(ctx) {
    ctx.warmed = true;
  },
  async run(p, ctx) {
    ctx.jobs++;
    return {
      text: p.text.toUpperCase(),
      isMainThread,
      threadId,
      warmed: ctx.warmed,
      jobs: ctx.jobs,
    };
  },
  async onActive(runId, { runs }) {
    await runs.setState(runId, "echoing");
  },
  async onCompleted(runId, result, { runs }) {
    await runs.setState(runId, "succeeded", { echoed: result.text });
  },
};

export const jobKinds = [echoJob];
