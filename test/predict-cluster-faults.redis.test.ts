/**
 * Crash safety of the predict run on the cluster: SIGKILL of a worker
 * holding a part (after writing it, before its job completed: the worst
 * moment), SIGKILL of the worker writing the manifest, and Redis killed and
 * restarted (append-only file) mid-run. Each run completes, byte-identical
 * to the embedded predict of the same plan, every key once.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCliOk } from "./helpers/cli.js";
import { MODELS } from "./helpers/predict.js";
import { startRedisServer, useRedis, type RedisServer, type TestRedis } from "./helpers/redis.js";
import { activeJobs, jobAttempts, pollUntil, TestClusters } from "./helpers/workers.js";
import {
  clusterPredictWithId,
  embeddedPredict,
  expectSamePrediction,
  jsonlKeys,
  predictSummaryOf,
} from "./helpers/workers-predict.js";

let redis: TestRedis;
let work: string;
let images: string;
let artifact: string;
let embedded: string;
let allKeys: string[];
const clusters = new TestClusters();

function predictArgs(out: string): string[] {
  return [
    images,
    "--model",
    path.join(MODELS, "cifar-cnn"),
    "--stats",
    artifact,
    "--format",
    "jsonl",
    "--images-per-shard",
    "100",
    "--device",
    "cpu",
    "--threads",
    "1",
    "--out",
    out,
  ];
}

/** The run finished whole: the embedded predict's bytes, every image's key exactly once. */
async function expectWhole(out: string): Promise<void> {
  expect(await expectSamePrediction(embedded, out)).toBe(8);
  const keys = jsonlKeys(out);
  expect(new Set(keys).size).toBe(keys.length);
  expect([...keys].sort()).toEqual(allKeys);
}

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-predict-faults-"));
  images = path.join(work, "images");
  artifact = path.join(work, "artifact");
  embedded = path.join(work, "embedded");
  allKeys = (await writeSyntheticImages(images, { count: 800, height: 32, width: 32 })).sort();
  await runCliOk(["fit", images, "--std", "--out", artifact], { REDIS_URL: "" });
  await embeddedPredict(predictArgs(embedded));
}, 120_000);

afterAll(() => clusters.tearDown(redis, work));

describe("predict on the cluster survives crashes", () => {
  it("SIGKILL of a worker holding a part it has written: the part is taken again, the run completes whole", async () => {
    const { prefix, workers } = await clusters.start(redis.url, "kill-part", [
      {
        name: "part-holder",
        args: ["--queues", "predict", "--faults", '{"holdMs":{"predict":1500}}'],
      },
      { name: "healthy-1" },
      { name: "healthy-2" },
    ]);
    const out = path.join(work, "kill-part");
    const run = clusterPredictWithId(redis.url, prefix, predictArgs(out));
    const held = await pollUntil(
      async () =>
        (await activeJobs(redis.url, prefix, "predict")).find((j) => j.worker === "part-holder"),
      60_000,
      "a part held by part-holder",
    );
    expect(await workers[0]!.signal("SIGKILL")).toBeNull();
    expect(predictSummaryOf(await run.done)).toMatchObject({ n: 800, skipped: 0, parts: 8 });
    await expectWhole(out);
    const attempts = await jobAttempts(redis.url, prefix, "predict", held.id);
    // Taken again after its worker died: started twice, stalled once, finished once.
    expect(attempts).toMatchObject({ attemptsMade: 1, stalledCounter: 1 });
    expect(attempts!.attemptsStarted).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it("SIGKILL of the worker writing the manifest: another writes it, the run completes whole", async () => {
    const { prefix, workers } = await clusters.start(redis.url, "kill-manifest", [
      {
        name: "manifest-holder",
        args: ["--queues", "predict-manifest", "--faults", '{"holdMs":{"predict-manifest":1500}}'],
      },
      { name: "parts-1", args: ["--queues", "predict-plan,predict"] },
      { name: "parts-2", args: ["--queues", "predict-plan,predict"] },
    ]);
    const out = path.join(work, "kill-manifest");
    const run = clusterPredictWithId(redis.url, prefix, predictArgs(out));
    const predictId = await run.predictId;
    await pollUntil(
      async () =>
        (await activeJobs(redis.url, prefix, "predict-manifest")).find(
          (j) => j.worker === "manifest-holder",
        ),
      60_000,
      "the manifest held by manifest-holder",
    );
    expect(await workers[0]!.signal("SIGKILL")).toBeNull();
    await clusters.addWorker({ redisUrl: redis.url, prefix, name: "healthy" });
    expect(predictSummaryOf(await run.done)).toMatchObject({ n: 800, parts: 8 });
    await expectWhole(out);
    const attempts = await jobAttempts(
      redis.url,
      prefix,
      "predict-manifest",
      `${predictId}-manifest`,
    );
    expect(attempts).toMatchObject({ attemptsMade: 1, stalledCounter: 1 });
    expect(readdirSync(out).filter((f) => f.includes(".tmp"))).toEqual([]);
  }, 180_000);

  describe("Redis restarted mid-run", () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer({ appendonly: true });
    });
    afterAll(async () => {
      await clusters.stopWorkers();
      await server?.stop();
    });

    it("the run completes whole after Redis comes back from its append-only file", async () => {
      // Each part holds its lock 300 ms longer, so the run is still going when Redis goes.
      const hold = ["--faults", '{"holdMs":{"predict":300}}'];
      const { prefix } = await clusters.start(server.url, "restart", [
        { name: "r1", args: hold },
        { name: "r2", args: hold },
      ]);
      const out = path.join(work, "restart");
      const run = clusterPredictWithId(server.url, prefix, predictArgs(out));
      const predictId = await run.predictId;
      const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
      const doneBefore = await pollUntil(
        async () => {
          const done = Number(await client.hget(`${prefix}:predict:${predictId}`, "partsDone"));
          return done >= 2 ? done : undefined;
        },
        60_000,
        "2 parts done",
      );
      client.disconnect();
      await server.kill();
      await new Promise((r) => setTimeout(r, 1500));
      await server.restart();
      expect(predictSummaryOf(await run.done)).toMatchObject({ predictId, n: 800, parts: 8 });
      expect(doneBefore).toBeLessThan(8);
      await expectWhole(out);
    }, 180_000);
  });
});
