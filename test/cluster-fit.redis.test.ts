import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { uploadFiles } from "./helpers/s3-datasets.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";
import { startWorker, stopWorkers, type WorkerProcess } from "./helpers/workers.js";
import { clusterFit, embeddedFit, expectSameArtifact, summaryOf } from "./helpers/workers-fit.js";

const COUNT = 5000;
const PLAN = ["--images-per-shard", "100"]; // 50 shards: reduce levels [32, 18] and [2]
let redis: TestRedis;
let s3: S3Server;
let storage: Storage;
let work: string;
let images: string;
const prefix = uniquePrefix("fit");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-fit-"));
  images = path.join(work, "images");
  const keys = await writeSyntheticImages(images, { count: COUNT, height: 8, width: 8 });
  s3 = await startS3Server(["data"]);
  for (const [k, v] of Object.entries(s3.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(s3.env));
  await uploadFiles(storage.open("s3://data/images"), images, keys);
  for (const name of ["w1", "w2", "w3"]) {
    workers.push(await startWorker({ redisUrl: redis.url, prefix, name, env: s3.env }));
  }
}, 120_000);

afterAll(async () => {
  await stopWorkers(workers);
  await deletePrefix(redis.url, prefix);
  await redis?.stop();
  storage?.close();
  await s3?.stop();
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
});

describe(`fit of ${COUNT} images on 3 worker processes over Redis`, () => {
  it("equals the embedded fit bit for bit (--std, local folders)", async () => {
    const local = path.join(work, "std-embedded");
    const cluster = path.join(work, "std-cluster");
    const embedded = await embeddedFit([images, "--std", "--out", local, ...PLAN]);
    const started = Date.now();
    const summary = summaryOf(
      await clusterFit(redis.url, prefix, [images, "--std", "--out", cluster, ...PLAN]),
    );
    console.log(
      `cluster --std fit of ${COUNT} 8x8 images, 50 shards, 3 workers (${redis.origin}): ` +
        `${((Date.now() - started) / 1000).toFixed(2)} s; embedded ${embedded.seconds.toFixed(2)} s`,
    );
    expect(summary).toMatchObject({ n: COUNT, skipped: 0 });
    expect(summary.fitId).toMatch(/^fit-/);
    await expectSameArtifact(local, cluster);
    // Every worker took part.
    for (const w of workers) expect(w.output()).not.toMatch(/failed:/);
  }, 120_000);

  it("equals the embedded fit with ZCA, source and artifact on S3 (s3rver)", async () => {
    const local = path.join(work, "zca-embedded");
    await embeddedFit([images, "--zca", "--out", local, ...PLAN, "--backend", "js"]);
    const summary = summaryOf(
      await clusterFit(
        redis.url,
        prefix,
        ["s3://data/images", "--zca", "--out", "s3://data/stats/zca", ...PLAN, "--backend", "js"],
        s3.env,
      ),
    );
    expect(summary).toMatchObject({ n: COUNT, skipped: 0, artifact: "s3://data/stats/zca" });
    const artifact = storage.open("s3://data/stats/zca");
    await expectSameArtifact(local, artifact, [
      "mean.npy",
      "std.npy",
      "moments.fwm",
      "stats.npz",
      "zca_whitening_matrix.npy",
    ]);
    // Partials are removed once the artifact is complete; the plan stays.
    const left: string[] = [];
    for await (const item of artifact.list(".featurewise")) left.push(path.basename(item.key));
    expect(left.sort()).toEqual(["done.json", "plan.json"]);
  }, 120_000);
});
