/**
 * The predict pool's acceptance run: 20,000 PNGs (32x32) on S3 (s3rver),
 * the artifact and the output there too, 3 worker processes on Redis. The
 * parts are byte-identical to the embedded predict's of the same plan, with
 * the model read from a local file and with the model fetched from S3.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { runCliOk } from "./helpers/cli.js";
import { MODELS } from "./helpers/predict.js";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { uploadFiles } from "./helpers/s3-datasets.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";
import { startWorker, stopWorkers, type WorkerProcess } from "./helpers/workers.js";
import {
  clusterPredictWithId,
  embeddedPredict,
  expectSamePrediction,
  predictSummaryOf,
} from "./helpers/workers-predict.js";

const COUNT = 20_000;
let redis: TestRedis;
let server: S3Server;
let storage: Storage;
let work: string;
const prefix = uniquePrefix("predict-s3");
const workers: WorkerProcess[] = [];
const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(1);

beforeAll(async () => {
  redis = await useRedis();
  server = await startS3Server(["data", "models", "arts", "outs"]);
  // The SDK reads its credentials from the environment.
  for (const [k, v] of Object.entries(server.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(server.env));
  work = mkdtempSync(path.join(tmpdir(), "fw-predict-s3-"));
  let t = performance.now();
  const images = path.join(work, "images");
  const keys = await writeSyntheticImages(images, { count: COUNT, perFolder: 100 });
  await uploadFiles(storage.open("s3://data/images"), images, keys);
  console.log(`${COUNT} PNGs written and uploaded to s3rver in ${seconds(t)} s`);
  const models = storage.open("s3://models/cifar-cnn");
  await models.put("model.onnx", readFileSync(path.join(MODELS, "cifar-cnn", "model.onnx")));
  t = performance.now();
  await runCliOk(["fit", "s3://data/images", "--std", "--out", "s3://arts/std"], {
    ...server.env,
    REDIS_URL: "",
  });
  console.log(`std artifact fitted on S3 in ${seconds(t)} s`);
  for (const name of ["s3-1", "s3-2", "s3-3"]) {
    workers.push(await startWorker({ redisUrl: redis.url, prefix, name, env: server.env }));
  }
}, 600_000);

afterAll(async () => {
  const t = performance.now();
  await stopWorkers(workers);
  await deletePrefix(redis.url, prefix);
  await redis?.stop();
  storage?.close();
  await server?.stop(); // removes its folder: 20,000 objects and their metadata
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
  console.log(`tear-down (workers, s3rver and its files, the PNGs): ${seconds(t)} s`);
}, 600_000);

function predictArgs(model: string, out: string): string[] {
  return [
    "s3://data/images",
    "--model",
    model,
    "--stats",
    "s3://arts/std",
    "--device",
    "cpu",
    "--threads",
    "1",
    "--out",
    out,
  ];
}

describe("the predict pool on S3", () => {
  it(`${COUNT} images, 3 workers: parts byte-identical to the embedded predict, the model local or on S3`, async () => {
    const local = path.join(MODELS, "cifar-cnn", "model.onnx");
    let t = performance.now();
    const embedded = await embeddedPredict(predictArgs(local, "s3://outs/embedded"), server.env);
    console.log(`embedded predict of ${COUNT} images on S3: ${seconds(t)} s`);
    expect(embedded).toMatchObject({ n: COUNT, skipped: 0, parts: 20 });
    for (const [model, out] of [
      [local, "s3://outs/cluster-local-model"],
      ["s3://models/cifar-cnn", "s3://outs/cluster-s3-model"],
    ] as const) {
      t = performance.now();
      const run = clusterPredictWithId(redis.url, prefix, predictArgs(model, out), server.env);
      const summary = predictSummaryOf(await run.done);
      console.log(`cluster predict (3 workers, model ${model}): ${seconds(t)} s`);
      expect(summary).toMatchObject({ n: COUNT, skipped: 0, parts: 20, runId: embedded.runId });
      const parts = await expectSamePrediction(
        storage.open("s3://outs/embedded"),
        storage.open(out),
        { sameModelElsewhere: model !== local },
      );
      expect(parts).toBe(20);
    }
  }, 600_000);
});
