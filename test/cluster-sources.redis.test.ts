import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticKey, writeSyntheticImages } from "@featurewise/dataset";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import {
  pollUntil,
  startWorker,
  stopWorkers,
  tearDownCluster,
  type WorkerProcess,
} from "./helpers/workers.js";
import {
  clusterFit,
  clusterFitWithId,
  embeddedFit,
  expectSameArtifact,
  summaryOf,
} from "./helpers/workers-fit.js";

/**
 * A flat folder with symlinks and entries that are not read, fitted on 2
 * worker processes: the shard jobs carry their items (the unreadable ones
 * with their reasons) and the fit equals the embedded one bit for bit.
 */
let redis: TestRedis;
let work: string;
let images: string;
const prefix = uniquePrefix("sources");
const workers: WorkerProcess[] = [];
const PLAN = ["--images-per-shard", "64", "--max-skipped", "5%"];

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-sources-"));
  images = path.join(work, "images");
  const real = path.join(work, "real");
  await writeSyntheticImages(images, { count: 300, height: 8, width: 8, perFolder: 0 });
  await writeSyntheticImages(real, { count: 20, height: 8, width: 8, perFolder: 0, seed: 3 });
  symlinkSync(real, path.join(images, "linked")); // 20 more with --follow-links
  symlinkSync(path.join(real, syntheticKey(0, 0)), path.join(images, "a-link.png"));
  symlinkSync("nowhere.png", path.join(images, "b-dangling.png"));
  execFileSync("mkfifo", [path.join(images, "c-pipe")]);
  mkdirSync(path.join(images, "sub"));
  symlinkSync("..", path.join(images, "sub", "loop"));
  for (const name of ["w1", "w2"]) {
    workers.push(await startWorker({ redisUrl: redis.url, prefix, name }));
  }
}, 120_000);

afterAll(() => tearDownCluster(workers, redis, prefix, work));

describe("a flat folder with symlinks on 2 worker processes", () => {
  for (const follow of [false, true]) {
    it(`equals the embedded fit, skips listed alike${follow ? " (--follow-links)" : ""}`, async () => {
      const flags = [...PLAN, "--std", ...(follow ? ["--follow-links"] : [])];
      const local = path.join(work, `embedded-${follow}`);
      const cluster = path.join(work, `cluster-${follow}`);
      const embedded = await embeddedFit([images, "--out", local, ...flags]);
      const summary = summaryOf(
        await clusterFit(redis.url, prefix, [images, "--out", cluster, ...flags]),
      );
      const skippedKeys = follow
        ? ["b-dangling.png", "c-pipe", "sub/loop"]
        : ["b-dangling.png", "c-pipe", "linked", "sub/loop"];
      expect(embedded).toMatchObject({ n: follow ? 321 : 301, skipped: skippedKeys.length });
      expect(summary).toMatchObject({ n: embedded.n, skipped: embedded.skipped });
      const stats = (dir: string) =>
        JSON.parse(readFileSync(path.join(dir, "stats.json"), "utf8")) as {
          skipped: { items: Array<{ key: string; reason: string }> };
          source: { fingerprint: string };
        };
      expect(stats(cluster).skipped.items.map((s) => s.key)).toEqual(skippedKeys);
      expect(stats(cluster).skipped).toEqual(stats(local).skipped);
      expect(stats(cluster).source.fingerprint).toBe(stats(local).source.fingerprint);
      await expectSameArtifact(local, cluster);
    }, 120_000);
  }
});

describe("shard jobs read the keys they carry", () => {
  it("a file added after the plan is not seen by a shard job (which does not list the folder)", async () => {
    const late = path.join(work, "late");
    await writeSyntheticImages(late, { count: 200, height: 8, width: 8, perFolder: 0 });
    const latePrefix = uniquePrefix("late");
    // Only a coordinator at first: the shards wait in their queue once planned.
    const started = [
      await startWorker({
        redisUrl: redis.url,
        prefix: latePrefix,
        name: "c1",
        args: ["--queues", "coordinator"],
      }),
    ];
    try {
      const out = path.join(work, "late-out");
      const run = clusterFitWithId(redis.url, latePrefix, [late, "--out", out, "--std", ...PLAN]);
      const fitId = await run.fitId;
      const plan = path.join(out, ".featurewise", fitId, "plan.json");
      await pollUntil(async () => (existsSync(plan) ? true : undefined), 60_000, "the plan");
      // Sorts first: a shard that re-listed its range would find its keys shifted.
      copyFileSync(path.join(late, syntheticKey(5, 0)), path.join(late, "0000-late.png"));
      started.push(
        await startWorker({
          redisUrl: redis.url,
          prefix: latePrefix,
          name: "s1",
          args: ["--queues", "shard,reduce,finalize"],
        }),
      );
      const summary = summaryOf(await run.done);
      expect(summary).toMatchObject({ n: 200, skipped: 0 });
    } finally {
      await stopWorkers(started);
      await deletePrefix(redis.url, latePrefix);
    }
  }, 120_000);
});
