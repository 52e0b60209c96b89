/**
 * `featurewise predict --redis` on real worker processes: the parts are
 * byte-identical to the embedded predict's, each worker thread loads the
 * model once for all its jobs and runs, `--detach`, `status` and `cancel`
 * work for predict runs, and a model that cannot be loaded (at planning or
 * on a part's worker) fails its run with the reason while the workers go on
 * serving other runs.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { runCli, runCliOk } from "./helpers/cli.js";
import { MODELS } from "./helpers/predict.js";
import { useRedis, type TestRedis } from "./helpers/redis.js";
import { jobAttempts, pollUntil, TestClusters } from "./helpers/workers.js";
import {
  clusterPredictWithId,
  embeddedPredict,
  expectSamePrediction,
  predictSummaryOf,
} from "./helpers/workers-predict.js";

let redis: TestRedis;
let work: string;
let images: string;
let artifact: string;
const CIFAR = path.join(MODELS, "cifar-cnn");
const clusters = new TestClusters();

/** The predict flags every run here shares (device and threads named: the same run id as embedded). */
function predictArgs(out: string, model = CIFAR): string[] {
  return [
    images,
    "--model",
    model,
    "--stats",
    artifact,
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

/** `featurewise <args> --json` against a prefix, parsed. */
async function cliJson<T>(prefix: string, args: string[]): Promise<T> {
  const r = await runCliOk([...args, "--json"], {
    REDIS_URL: redis.url,
    FEATUREWISE_QUEUE_PREFIX: prefix,
  });
  return JSON.parse(r.stdout) as T;
}

interface StatusJson {
  state: string;
  partsDone: number;
  partsTotal: number | null;
  images: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
  failure: { code: string | null; message: string; job: string } | null;
}

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-predict-cluster-"));
  images = path.join(work, "images");
  artifact = path.join(work, "artifact");
  await writeSyntheticImages(images, { count: 1200, height: 32, width: 32 });
  await runCliOk(["fit", images, "--std", "--out", artifact], { REDIS_URL: "" });
}, 120_000);

afterAll(() => clusters.tearDown(redis, work));

describe("predict on the cluster", () => {
  it("3 workers: parts byte-identical to the embedded predict; a thread loads the model once for all its jobs and runs", async () => {
    const { prefix, workers } = await clusters.start(redis.url, "predict", [
      { name: "p1" },
      { name: "p2" },
      { name: "p3" },
    ]);
    const local = path.join(work, "embedded");
    const embedded = await embeddedPredict(predictArgs(local));
    for (const name of ["cluster-1", "cluster-2"]) {
      const out = path.join(work, name);
      const run = clusterPredictWithId(redis.url, prefix, predictArgs(out));
      const summary = predictSummaryOf(await run.done);
      expect(summary).toMatchObject({ n: 1200, skipped: 0, parts: 12, runId: embedded.runId });
      expect(summary.predictId).toBe(await run.predictId);
      expect(await expectSamePrediction(local, out)).toBe(12);
    }
    // 24 part jobs over 3 workers (one predict thread each): each loaded the model at most once.
    const loads = workers.map((w) => (w.output().match(/loaded model /g) ?? []).length);
    console.log(`model loads per worker over 2 runs of 12 parts: ${loads.join(", ")}`);
    expect(loads.every((n) => n <= 1)).toBe(true);
    expect(loads.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it("--detach prints the id; status shows parts done/total, images/s and ETA; cancel stops the run", async () => {
    // Each part holds its lock 800 ms after writing, so the run is still going when looked at.
    const { prefix } = await clusters.start(redis.url, "status", [
      { name: "slow", args: ["--faults", '{"holdMs":{"predict":800}}'] },
    ]);
    const out = path.join(work, "detached");
    const detached = await runCliOk(["predict", ...predictArgs(out), "--detach"], {
      REDIS_URL: redis.url,
      FEATUREWISE_QUEUE_PREFIX: prefix,
    });
    const id = detached.stdout.trim();
    expect(id).toMatch(/^predict-\d{8}-\d{6}-[0-9a-f]{6}$/);
    const status = await pollUntil(
      async () => {
        const s = await cliJson<StatusJson>(prefix, ["status", id]);
        return s.partsDone >= 2 ? s : undefined;
      },
      60_000,
      "2 parts done",
    );
    expect(status).toMatchObject({ state: "running", partsTotal: 12, failure: null });
    expect(status.images).toBe(status.partsDone * 100);
    expect(status.imagesPerSecond).toBeGreaterThan(0);
    expect(status.etaSeconds).toBeGreaterThan(0);
    const text = await runCliOk(["status", id], {
      REDIS_URL: redis.url,
      FEATUREWISE_QUEUE_PREFIX: prefix,
    });
    expect(text.stdout).toMatch(/parts: +\d+\/12 done/);
    expect(text.stdout).toMatch(/images\/s, ETA \d+ s/);
    const cancelled = await cliJson<{ cancelled: boolean }>(prefix, ["cancel", id]);
    expect(cancelled.cancelled).toBe(true);
    expect((await cliJson<StatusJson>(prefix, ["status", id])).state).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 1500));
    expect(existsSync(path.join(out, "manifest.json"))).toBe(false);
    // A fit's id is still a fit's: status tells them apart by the id.
    const unknown = await runCli(["status", "fit-20260101-000000-abcdef"], {
      REDIS_URL: redis.url,
      FEATUREWISE_QUEUE_PREFIX: prefix,
    });
    expect(unknown.stderr).toContain("no fit fit-20260101-000000-abcdef");
  }, 120_000);

  it("a model that cannot load (corrupt, other input, missing) fails its run with the reason, unretried; the workers serve the next run", async () => {
    const { prefix, workers } = await clusters.start(redis.url, "bad-model", [
      { name: "b1" },
      { name: "b2" },
    ]);
    const corrupt = path.join(work, "corrupt.onnx");
    writeFileSync(corrupt, "this is not a model");
    const cases = [
      { model: corrupt, code: "MODEL_INVALID", reason: /cannot read it/ },
      {
        model: path.join(MODELS, "gray-cnn"),
        code: "MODEL_MISMATCH",
        reason: /takes neither NHWC .* the images are 32x32x3/,
      },
      { model: path.join(work, "no-such-model.onnx"), code: "NOT_FOUND", reason: /no-such-model/ },
    ];
    for (const c of cases) {
      const out = path.join(work, `bad-${c.code}`);
      const run = clusterPredictWithId(redis.url, prefix, predictArgs(out, c.model));
      const id = await run.predictId;
      const r = await run.done;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(c.reason);
      const s = await cliJson<StatusJson>(prefix, ["status", id]);
      expect(s.state).toBe("failed");
      expect(s.failure?.code, s.failure?.message).toBe(c.code);
      // Unrecoverable: one attempt, no retry storm.
      const attempts = await jobAttempts(redis.url, prefix, "predict-plan", `${id}-plan`);
      expect(attempts?.attemptsStarted).toBe(1);
    }
    const good = predictSummaryOf(
      await clusterPredictWithId(redis.url, prefix, predictArgs(path.join(work, "after-bad"))).done,
    );
    expect(good).toMatchObject({ n: 1200, parts: 12 });
    for (const w of workers) expect(w.child.exitCode).toBeNull();
  }, 180_000);

  it("a model that breaks after planning fails the run at its parts (MODEL_INVALID); that worker then serves another run", async () => {
    // Planning and parts on different workers: the part worker starts after the model broke.
    const { prefix } = await clusters.start(redis.url, "part-model", [
      { name: "planner", args: ["--queues", "predict-plan,predict-manifest"] },
    ]);
    const modelDir = path.join(work, "changing-model");
    mkdirSync(modelDir);
    const modelFile = path.join(modelDir, "model.onnx");
    copyFileSync(path.join(CIFAR, "model.onnx"), modelFile);
    const out = path.join(work, "broken-at-parts");
    const detached = await runCliOk(["predict", ...predictArgs(out, modelFile), "--detach"], {
      REDIS_URL: redis.url,
      FEATUREWISE_QUEUE_PREFIX: prefix,
    });
    const id = detached.stdout.trim();
    await pollUntil(
      async () =>
        (await cliJson<StatusJson>(prefix, ["status", id])).state === "running" ? true : undefined,
      60_000,
      "the run planned",
    );
    writeFileSync(modelFile, "truncated");
    const gpuLike = await clusters.addWorker({
      redisUrl: redis.url,
      prefix,
      name: "parts-only",
      args: ["--queues", "predict"],
    });
    const failed = await pollUntil(
      async () => {
        const s = await cliJson<StatusJson>(prefix, ["status", id]);
        return s.state === "failed" ? s : undefined;
      },
      60_000,
      "the run failed",
    );
    expect(failed.failure?.code, failed.failure?.message).toBe("MODEL_INVALID");
    expect(failed.failure?.message).toMatch(/^part \d+ \(shard-\d+\): model .*cannot read it/);
    // The same worker serves the next run (the model whole again).
    copyFileSync(path.join(CIFAR, "model.onnx"), modelFile);
    const next = predictSummaryOf(
      await clusterPredictWithId(
        redis.url,
        prefix,
        predictArgs(path.join(work, "after-broken"), modelFile),
      ).done,
    );
    expect(next).toMatchObject({ n: 1200, parts: 12 });
    expect(gpuLike.child.exitCode).toBeNull();
    expect(gpuLike.output()).toMatch(/loaded model /);
  }, 180_000);
});
