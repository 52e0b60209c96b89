import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import {
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
const prefix = uniquePrefix("artifact");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-artifact-cluster-"));
  images = path.join(work, "images");
  await writeSyntheticImages(images, { count: 60, height: 8, width: 8 });
  workers.push(await startWorker({ redisUrl: redis.url, prefix, name: "a1" }));
}, 120_000);

afterAll(() => tearDownCluster(workers, redis, prefix, work));

/** The finalize job writes the artifact under the embedded fit's rules (issue 17, item 4). */
describe("a cluster fit's artifact", () => {
  it("replaces an earlier artifact as a whole: no whitening matrix of a --zca fit after a --std one", async () => {
    const out = path.join(work, "reused");
    const fit = (flag: string) =>
      clusterFitWithId(redis.url, prefix, [images, flag, "--images-per-shard", "20", "--out", out])
        .done;
    summaryOf(await fit("--zca"));
    expect(existsSync(path.join(out, "zca_whitening_matrix.npy"))).toBe(true);
    summaryOf(await fit("--std"));
    expect(existsSync(path.join(out, "zca_whitening_matrix.npy"))).toBe(false);
    const stats = JSON.parse(readFileSync(path.join(out, "stats.json"), "utf8")) as {
      files: { whitening: string | null };
      checksums: Record<string, string>;
    };
    expect(stats.files.whitening).toBeNull();
    expect(Object.keys(stats.checksums)).not.toContain("zca_whitening_matrix.npy");
    expect(existsSync(path.join(out, ".featurewise", "lock.json"))).toBe(false);
  });

  it("waits (retrying its finalize) while another fit holds the location, then writes it", async () => {
    const out = path.join(work, "held");
    mkdirSync(path.join(out, ".featurewise"), { recursive: true });
    const now = new Date().toISOString();
    const lock = {
      token: "x",
      pid: process.pid,
      host: hostname(),
      holder: "fit",
      startedAt: now,
      heartbeatAt: now,
    };
    writeFileSync(path.join(out, ".featurewise", "lock.json"), JSON.stringify(lock));
    const run = clusterFitWithId(redis.url, prefix, [
      images,
      "--std",
      "--images-per-shard",
      "20",
      "--out",
      out,
    ]);
    const fitId = await run.fitId;
    await pollUntil(
      async () => {
        const a = await jobAttempts(redis.url, prefix, "finalize", `${fitId}-finalize`);
        return a !== null && a.attemptsMade >= 1 ? a : undefined;
      },
      60_000,
      "the finalize job to be refused once",
    );
    expect(existsSync(path.join(out, "stats.json"))).toBe(false);
    rmSync(path.join(out, ".featurewise", "lock.json")); // the other fit ends
    const summary = summaryOf(await run.done);
    expect(summary.n).toBe(60);
    expect(existsSync(path.join(out, "stats.json"))).toBe(true);
  });
});
