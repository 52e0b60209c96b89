import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunStateStore } from "@featurewise/queue";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { pollUntil, startWorker, stopWorkers, type WorkerProcess } from "./helpers/workers.js";

let redis: TestRedis;
let connection: Redis;
const prefix = uniquePrefix("registry");
const workers: WorkerProcess[] = [];
const queues = new Map<string, Queue>();

function queue(name: string): Queue {
  let q = queues.get(name);
  if (q === undefined) {
    q = new Queue(name, { connection, prefix });
    queues.set(name, q);
  }
  return q;
}

/** Waits until the job has finished, either way. */
async function settled(name: string, jobId: string) {
  return pollUntil(
    async () => {
      const state = await queue(name).getJobState(jobId);
      if (state !== "completed" && state !== "failed") return undefined;
      // Read after the state, so the job's fields are those of its end.
      return { job: (await queue(name).getJob(jobId))!, state };
    },
    60_000,
    `job ${jobId} on ${name} to finish`,
  );
}

beforeAll(async () => {
  redis = await useRedis();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  // The test-only kind beside the fit's; "reduce" stands for the fit's sandboxed kinds.
  const args = [
    "--job-modules",
    "test/helpers/echo-job.mjs",
    "--queues",
    "echo,reduce,coordinator",
  ];
  workers.push(await startWorker({ redisUrl: redis.url, prefix, name: "r1", args }));
}, 120_000);

afterAll(async () => {
  await stopWorkers(workers);
  for (const q of queues.values()) await q.close();
  connection?.disconnect();
  await deletePrefix(redis.url, prefix);
  await redis?.stop();
});

describe("the registry of job kinds", () => {
  it("runs a kind that one module registered, on a sandbox thread of a real worker process", async () => {
    const runs = new RunStateStore(connection, prefix);
    expect(await runs.createRun("echo-1", { submittedAt: String(Date.now()) })).toBe(true);
    await queue("echo").add("echo", { runId: "echo-1", text: "hi" }, { jobId: "echo-1-job" });
    const { job, state } = await settled("echo", "echo-1-job");
    expect(state, job.failedReason).toBe("completed");
    expect(job.returnvalue).toMatchObject({ text: "HI", isMainThread: false, warmed: true });
    expect((job.returnvalue as { threadId: number }).threadId).toBeGreaterThan(0);
    // The completion hook ran on the worker's main thread and kept the run's record.
    const record = await pollUntil(
      async () => {
        const r = await runs.readFields("echo-1");
        return r?.["state"] === "succeeded" ? r : undefined;
      },
      10_000,
      "the echo run's record to say succeeded",
    );
    expect(record).toMatchObject({ state: "succeeded", echoed: "HI" });
    expect(await connection.exists(`${prefix}:echo:echo-1`)).toBe(1);
  });

  it("fails a job of an unknown name at once, without retries, on a registered and on a fit queue", async () => {
    for (const name of ["echo", "reduce", "coordinator"]) {
      const jobId = `bogus-on-${name}`;
      await queue(name).add("bogus", { fitId: "fit-x" }, { jobId, attempts: 3, backoff: 100 });
      const { job, state } = await settled(name, jobId);
      expect(state).toBe("failed");
      expect(job.attemptsMade, name).toBe(1);
      expect(job.failedReason).toMatch(new RegExp(`unknown job name "bogus" on queue "${name}"`));
    }
  });

  it("fails a malformed job of a registered kind at once, naming what was expected", async () => {
    await queue("echo").add("echo", { runId: 7 }, { jobId: "echo-bad", attempts: 3, backoff: 100 });
    const { job, state } = await settled("echo", "echo-bad");
    expect(state).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/malformed echo job: expected \{runId, text\}/);
  });
});
