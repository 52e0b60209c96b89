import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticPixels, writeSyntheticImages } from "@featurewise/dataset";
import { uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { startWorker, tearDownCluster, type WorkerProcess } from "./helpers/workers.js";
import { clusterFit, summaryOf } from "./helpers/workers-fit.js";

let redis: TestRedis;
let work: string;
const prefix = uniquePrefix("skiplimit");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-skip-"));
  await writeSyntheticImages(path.join(work, "odd-first"), { count: 120, height: 8, width: 8 });
  const raw = syntheticPixels(0, { height: 20, width: 24, channels: 3, seed: 3 });
  await sharp(raw, { raw: { width: 24, height: 20, channels: 3 } })
    .png()
    .toFile(path.join(work, "odd-first", "0000-odd.png"));
  await writeSyntheticImages(path.join(work, "halves", "a"), { count: 10, height: 8, width: 8 });
  await writeSyntheticImages(path.join(work, "halves", "b"), { count: 10, height: 12, width: 12 });
  workers.push(await startWorker({ redisUrl: redis.url, prefix, name: "s1" }));
}, 120_000);

afterAll(() => tearDownCluster(workers, redis, prefix, work));

describe("mixed image sizes on the cluster (issue 17, item 2)", () => {
  it("one odd image that sorts first is skipped, as in the embedded fit", async () => {
    const args = [path.join(work, "odd-first"), "--std", "--images-per-shard", "50"];
    const r = await clusterFit(redis.url, prefix, [...args, "--out", path.join(work, "o1")]);
    expect(summaryOf(r)).toMatchObject({ n: 120, skipped: 1 });
  });

  it("finalize fails a fit that skipped more than --max-skipped, naming the sizes seen", async () => {
    const args = [path.join(work, "halves"), "--std", "--images-per-shard", "5"];
    const r = await clusterFit(redis.url, prefix, [...args, "--out", path.join(work, "o2")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/skipped 10 of 20 images, more than --max-skipped 1% allows/);
    expect(r.stderr).toMatch(/other sizes seen: 12x12x3 \(10\)/);
    const ok = await clusterFit(redis.url, prefix, [
      ...args,
      "--max-skipped",
      "10",
      "--out",
      path.join(work, "o3"),
    ]);
    expect(summaryOf(ok)).toMatchObject({ n: 10, skipped: 10 });
  });
});
