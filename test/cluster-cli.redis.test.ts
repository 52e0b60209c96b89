import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCli, type CliRun } from "./helpers/cli.js";
import { uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import {
  activeJobs,
  jobAttempts,
  pollUntil,
  startWorker,
  tearDownCluster,
  type WorkerProcess,
} from "./helpers/workers.js";
import { clusterFitWithId, summaryOf } from "./helpers/workers-fit.js";

let redis: TestRedis;
let work: string;
let images: string;
const prefix = uniquePrefix("cli");
const workers: WorkerProcess[] = [];

/** Runs a cluster command (`status`, `cancel`, `fit --detach`) against the test's Redis and prefix. */
function cli(args: readonly string[]): Promise<CliRun> {
  return runCli(args, { REDIS_URL: redis.url, FEATUREWISE_QUEUE_PREFIX: prefix });
}

async function status(fitId: string): Promise<Record<string, unknown>> {
  const r = await cli(["status", fitId, "--json"]);
  if (r.code !== 0) throw new Error(`status exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-cli-"));
  images = path.join(work, "images");
  await writeSyntheticImages(images, { count: 500, height: 8, width: 8 });
  for (const name of ["c1", "c2"]) {
    const args = ["--faults", '{"holdMs":{"shard":300}}'];
    workers.push(await startWorker({ redisUrl: redis.url, prefix, name, args }));
  }
}, 120_000);

afterAll(() => tearDownCluster(workers, redis, prefix, work));

describe("cluster commands", () => {
  it("fit --detach prints the fit id; status follows it to its artifact", async () => {
    const out = path.join(work, "detached");
    const r = await cli([
      "fit",
      images,
      "--std",
      "--images-per-shard",
      "50",
      "--out",
      out,
      "--detach",
    ]);
    expect(r.code).toBe(0);
    const fitId = r.stdout.trim();
    expect(fitId).toMatch(/^fit-\d{8}-\d{6}-[0-9a-f]{6}$/);
    const done = await pollUntil(
      async () => {
        const s = await status(fitId);
        return s["state"] === "succeeded" ? s : undefined;
      },
      60_000,
      "the detached fit to succeed",
    );
    expect(done).toMatchObject({ shardsTotal: 10, shardsDone: 10, images: 500, imagesTotal: 500 });
    expect(done["artifact"]).toBe(`file://${out}`);
    expect(existsSync(path.join(out, "stats.json"))).toBe(true);
    const text = await cli(["status", fitId]);
    expect(text.stdout).toContain(`fit ${fitId}: succeeded`);
    expect(text.stdout).toMatch(/shards: +10\/10 done/);
    // Finalize took the items out of the completed shard jobs' data; the jobs stay.
    const client = new Redis(redis.url);
    try {
      for (const i of [0, 9]) {
        const data = await client.hget(`${prefix}:shard:${fitId}-shard-${i}`, "data");
        const spec = (JSON.parse(data ?? "null") as { spec: Record<string, unknown> }).spec;
        expect(spec).toMatchObject({ kind: "range", index: i, count: 50 });
        expect(spec["items"]).toBeUndefined();
      }
    } finally {
      client.disconnect();
    }
    expect(await jobAttempts(redis.url, prefix, "shard", `${fitId}-shard-0`)).toMatchObject({
      attemptsMade: 1,
    });
  }, 60_000);

  it("cancel stops a running fit: the watching fit exits 1 and no artifact is written", async () => {
    const out = path.join(work, "cancelled");
    const fit = clusterFitWithId(redis.url, prefix, [
      images,
      "--std",
      "--images-per-shard",
      "10",
      "--out",
      out,
    ]);
    const fitId = await fit.fitId;
    await pollUntil(
      async () => ((await status(fitId))["shardsDone"] as number) >= 2 || undefined,
      30_000,
      "2 shards done",
    );
    const cancel = await cli(["cancel", fitId]);
    expect(cancel.stdout).toContain(`fit ${fitId} cancelled`);
    const watcher = await fit.done;
    expect(watcher.code).toBe(1);
    expect(watcher.stderr).toContain(`featurewise: error: fit ${fitId} was cancelled`);
    expect(await status(fitId)).toMatchObject({ state: "cancelled" });
    expect((await status(fitId))["shardsDone"]).toBeLessThan(50);
    // Its jobs drain without running: nothing stays active, no artifact appears.
    await pollUntil(
      async () => ((await activeJobs(redis.url, prefix, "shard")).length === 0 ? true : undefined),
      10_000,
      "no active shard jobs",
    );
    expect(existsSync(path.join(out, "stats.json"))).toBe(false);
    const again = await cli(["status", fitId, "--cancel"]);
    expect(again.stdout).toContain(`fit ${fitId}: cancelled`);
  }, 60_000);

  it("reports a bad Redis URL, an unreachable Redis and an unknown fit id clearly", async () => {
    const bad = await runCli(["status", "fit-x", "--redis", "http://nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--redis "http://nope/": expected a URL like redis://host:6379');
    const started = Date.now();
    const down = await runCli([
      "fit",
      images,
      "--out",
      path.join(work, "x"),
      "--redis",
      "redis://127.0.0.1:1",
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot reach Redis at redis://127.0.0.1:1");
    expect(Date.now() - started).toBeLessThan(8000);
    const unknown = await cli(["status", "fit-unknown"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no fit fit-unknown under queue prefix");
  }, 30_000);

  it("SIGTERM lets a worker finish its active job, then it exits 0", async () => {
    const slow = await startWorker({
      redisUrl: redis.url,
      prefix,
      name: "slow",
      args: ["--queues", "shard", "--faults", '{"holdMs":{"shard":1500}}'],
    });
    workers.push(slow);
    const fit = clusterFitWithId(redis.url, prefix, [
      images,
      "--std",
      "--images-per-shard",
      "50",
      "--out",
      path.join(work, "graceful"),
    ]);
    const held = await pollUntil(
      async () => (await activeJobs(redis.url, prefix, "shard")).find((j) => j.worker === "slow"),
      30_000,
      "a shard held by the slow worker",
    );
    expect(await slow.signal("SIGTERM")).toBe(0);
    expect(slow.output()).toMatch(/SIGTERM: finishing active jobs[\s\S]*stopped/);
    expect(summaryOf(await fit.done).n).toBe(500);
    // Finished by the worker that held it, not taken over after a stall.
    expect(await jobAttempts(redis.url, prefix, "shard", held.id)).toMatchObject({
      attemptsStarted: 1,
      stalledCounter: 0,
    });
  }, 60_000);
});
