import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCli } from "./helpers/cli.js";
import { useRedis, type TestRedis } from "./helpers/redis.js";
import {
  activeJobs,
  jobAttempts,
  jobTimes,
  pollUntil,
  type WorkerProcess,
  TestClusters,
} from "./helpers/workers.js";
import {
  BINARY_FILES,
  clusterFit,
  clusterFitWithId,
  embeddedFit,
  expectSameArtifact,
  summaryOf,
} from "./helpers/workers-fit.js";

let redis: TestRedis;
let work: string;
let clean: string;
let bad: string;
let big: string;
const BAD_KEY = "class-0000/img-0000250.png"; // in shard-000005 at 50 images a shard
const clusters = new TestClusters();

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-faults-"));
  clean = path.join(work, "clean");
  bad = path.join(work, "bad");
  big = path.join(work, "big");
  await writeSyntheticImages(clean, { count: 2000, height: 8, width: 8 });
  await writeSyntheticImages(bad, { count: 500, height: 8, width: 8 });
  // 18x18x3: D = 972, a js eigh of well over a second even on a fast core (768 took 0.85 s on one).
  await writeSyntheticImages(big, { count: 300, height: 18, width: 18 });
  const file = path.join(bad, BAD_KEY);
  writeFileSync(file, readFileSync(file).subarray(0, 40)); // a truncated PNG
}, 120_000);

afterAll(() => clusters.tearDown(redis, work));

const ZCA_FILES = [...BINARY_FILES, "zca_whitening_matrix.npy"];

describe("cluster failures", () => {
  it("survives SIGKILL of a worker holding a shard, and of one holding a reduce: bit-identical", async () => {
    const { prefix, workers } = await clusters.start(redis.url, "crash", [
      {
        name: "shard-holder",
        args: ["--queues", "shard", "--faults", '{"holdMs":{"shard":1500}}'],
      },
      {
        name: "reduce-holder",
        args: ["--queues", "reduce", "--faults", '{"holdMs":{"reduce":1500}}'],
      },
      // Until reduce-holder is killed, it is the only one to take reduce jobs.
      { name: "healthy-1", args: ["--queues", "coordinator,shard,finalize"] },
      { name: "healthy-2", args: ["--queues", "coordinator,shard,finalize"] },
    ]);
    const [shardHolder, reduceHolder] = workers as [WorkerProcess, WorkerProcess];
    const args = [clean, "--zca", "--backend", "js", "--images-per-shard", "50"];
    const out = path.join(work, "crash-cluster");
    const fit = clusterFitWithId(redis.url, prefix, [...args, "--out", out]);
    const fitId = await fit.fitId;

    const heldShard = await pollUntil(
      async () =>
        (await activeJobs(redis.url, prefix, "shard")).find((j) => j.worker === "shard-holder"),
      30_000,
      "a shard held by shard-holder",
    );
    expect(await shardHolder.signal("SIGKILL")).toBeNull();
    const heldReduce = await pollUntil(
      async () =>
        (await activeJobs(redis.url, prefix, "reduce")).find((j) => j.worker === "reduce-holder"),
      60_000,
      "a reduce node held by reduce-holder",
    );
    expect(await reduceHolder.signal("SIGKILL")).toBeNull();
    await clusters.addWorker({ redisUrl: redis.url, prefix, name: "healthy-3" });

    const summary = summaryOf(await fit.done);
    expect(summary).toMatchObject({ fitId, n: 2000, skipped: 0 });
    const local = path.join(work, "crash-embedded");
    await embeddedFit([...args, "--out", local]);
    await expectSameArtifact(local, out, ZCA_FILES);
    for (const [queue, job] of [
      ["shard", heldShard.id],
      ["reduce", heldReduce.id],
    ] as const) {
      const attempts = await jobAttempts(redis.url, prefix, queue, job);
      // Taken again after its worker died: started twice, stalled once, finished once.
      expect(attempts, job).toMatchObject({ attemptsMade: 1, stalledCounter: 1 });
      expect(attempts!.attemptsStarted, job).toBeGreaterThanOrEqual(2);
    }
  }, 120_000);

  it("keeps renewing the lock of a finalize that computes for seconds (js eigh, D=972, 500 ms lock)", async () => {
    const lock = ["--lock-duration", "500", "--stalled-interval", "250"];
    const { prefix, workers } = await clusters.start(redis.url, "lock", [
      { name: "lock-1", args: lock },
      { name: "lock-2", args: lock },
    ]);
    const out = path.join(work, "lock-cluster");
    const fit = clusterFitWithId(redis.url, prefix, [
      big,
      "--zca",
      "--backend",
      "js",
      "--out",
      out,
    ]);
    const fitId = await fit.fitId;
    summaryOf(await fit.done);
    const stats = JSON.parse(readFileSync(path.join(out, "stats.json"), "utf8")) as {
      timings: { finalizeSeconds: number };
    };
    console.log(`finalize (js eigh of 972x972) took ${stats.timings.finalizeSeconds.toFixed(2)} s`);
    expect(stats.timings.finalizeSeconds).toBeGreaterThan(1);
    const attempts = await jobAttempts(redis.url, prefix, "finalize", `${fitId}-finalize`);
    // Ran once, never stalled (attemptsMade counts the one finished attempt).
    expect(attempts).toEqual({ attemptsMade: 1, attemptsStarted: 1, stalledCounter: 0 });
    for (const w of workers) expect(w.output()).not.toMatch(/stalled|lock renewal failed/);
  }, 120_000);

  it("runs shards while the coordinator lists; the flow added after they finished takes them in", async () => {
    // Each coordinator holds 1.5 s after queuing its 40 shards, before it adds the flow.
    const hold = ["--faults", '{"holdMs":{"coordinator":1500}}'];
    const { prefix } = await clusters.start(redis.url, "stream", [
      { name: "stream-1", args: hold },
      { name: "stream-2", args: hold },
    ]);
    const args = [clean, "--std", "--images-per-shard", "50"]; // reduce nodes of 32 and 8 shards
    const out = path.join(work, "stream-cluster");
    const fit = clusterFitWithId(redis.url, prefix, [...args, "--out", out]);
    const fitId = await fit.fitId;
    expect(summaryOf(await fit.done)).toMatchObject({ fitId, n: 2000, skipped: 0 });
    const shard = await jobTimes(redis.url, prefix, "shard", `${fitId}-shard-0`);
    const root = await jobTimes(redis.url, prefix, "finalize", `${fitId}-finalize`);
    expect(shard!.finishedOn!).toBeLessThan(root!.created); // done before its flow existed
    const local = path.join(work, "stream-embedded");
    await embeddedFit([...args, "--out", local]);
    await expectSameArtifact(local, out);
  }, 60_000);

  describe("a corrupt image", () => {
    let prefix: string;
    beforeAll(async () => {
      ({ prefix } = await clusters.start(redis.url, "corrupt", [
        { name: "flaky", args: ["--faults", '{"failFirstAttempt":["shard-000005"]}'] },
      ]));
    });

    it("under --on-error fail fails the fit within seconds, naming the key", async () => {
      const started = Date.now();
      const run = await clusterFit(redis.url, prefix, [
        bad,
        "--std",
        "--on-error",
        "fail",
        "--images-per-shard",
        "50",
        "--out",
        path.join(work, "fail-cluster"),
      ]);
      const seconds = (Date.now() - started) / 1000;
      console.log(`--on-error fail: the fit failed after ${seconds.toFixed(2)} s`);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(BAD_KEY);
      expect(run.stderr).toMatch(/featurewise: error: fit fit-\S+ failed: shard-000005: /);
      expect(seconds).toBeLessThan(15);
      const fitId = /submitted fit (\S+)/.exec(run.stderr)![1]!;
      // Bad input is not retried.
      const attempts = await jobAttempts(redis.url, prefix, "shard", `${fitId}-shard-5`);
      expect(attempts).toMatchObject({ attemptsMade: 1, attemptsStarted: 1 });
      const status = await runCli(["status", fitId, "--json"], {
        REDIS_URL: redis.url,
        FEATUREWISE_QUEUE_PREFIX: prefix,
      });
      expect(JSON.parse(status.stdout)).toMatchObject({
        state: "failed",
        failure: { code: "DECODE_FAILED", job: `${fitId}-shard-5` },
      });
    }, 60_000);

    it("under skip is listed and counted once, though its shard ran twice", async () => {
      const args = [bad, "--std", "--images-per-shard", "50"];
      const out = path.join(work, "skip-cluster");
      const fit = clusterFitWithId(redis.url, prefix, [...args, "--out", out]);
      const fitId = await fit.fitId;
      const summary = summaryOf(await fit.done);
      expect(summary).toMatchObject({ n: 499, skipped: 1 });
      expect(summary.skippedItems.map((s) => s.key)).toEqual([BAD_KEY]);
      const attempts = await jobAttempts(redis.url, prefix, "shard", `${fitId}-shard-5`);
      // The first attempt failed after writing its partial; the second finished.
      expect(attempts).toMatchObject({ attemptsMade: 2, attemptsStarted: 2 });
      const local = path.join(work, "skip-embedded");
      const embedded = await embeddedFit([...args, "--out", local]);
      expect(embedded.skippedItems).toEqual(summary.skippedItems);
      await expectSameArtifact(local, out);
    }, 60_000);
  });
});
