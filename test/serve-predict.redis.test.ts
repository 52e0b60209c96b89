/**
 * Predictions over HTTP, end to end: a real `featurewise serve`, real
 * `featurewise worker` processes, Redis and s3rver. A prediction submitted
 * over HTTP writes the CLI's parts byte for byte and the same manifest but
 * its timings; its events give every state in order and a reconnect with
 * Last-Event-ID misses none; its rows page through the parts in order;
 * `predict|status|cancel --api` print what they print over Redis. Every
 * answer is validated against /openapi.json.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import type { PredictManifest } from "@featurewise/predict";
import { predictionRows } from "@featurewise/report/rows";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { expectAnswersMatch, type ApiRecorder } from "./helpers/api-contract.js";
import { runCli, runCliOk } from "./helpers/cli.js";
import { MODELS, readManifest } from "./helpers/predict.js";
import { uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";
import { startServedCluster, stateNames, type ServedCluster } from "./helpers/served-cluster.js";
import type { ServeProcess } from "./helpers/serve.js";
import { tearDownCluster, type WorkerProcess } from "./helpers/workers.js";
import {
  embeddedPredict,
  expectSamePrediction,
  predictSummaryOf,
} from "./helpers/workers-predict.js";

const COUNT = 230;
const PER_PART = 50;
const PARTS = Math.ceil(COUNT / PER_PART);
const ALL_STATES = ["queued", "planning", "running", "writing", "succeeded"];
const CIFAR = path.join(MODELS, "cifar-cnn");
let redis: TestRedis;
let s3: S3Server;
let storage: Storage;
let work: string;
let images: string;
let artifact: string;
let server: ServeProcess;
let api: ApiRecorder;
let token: string;
let follow: ServedCluster["follow"];
const prefix = uniquePrefix("serve-predict");
const workers: WorkerProcess[] = [];

/**
 * The prediction every run here makes, as `POST /v1/predictions` takes it:
 * the one place a test builds a request body. Device and threads are
 * named so that the run id (in the manifest) is the CLI's.
 */
function predictionBody(out: string): Record<string, unknown> {
  return {
    source: images,
    model: CIFAR,
    stats: artifact,
    out,
    imagesPerShard: PER_PART,
    topK: 3,
    device: "cpu",
    threads: 1,
  };
}

/** The same prediction as CLI flags (after the source). */
function predictArgs(out: string): string[] {
  return [
    images,
    "--model",
    CIFAR,
    "--stats",
    artifact,
    "--images-per-shard",
    String(PER_PART),
    "--top-k",
    "3",
    "--device",
    "cpu",
    "--threads",
    "1",
    "--out",
    out,
  ];
}

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-serve-predict-"));
  images = path.join(work, "images");
  artifact = path.join(work, "artifact");
  await writeSyntheticImages(images, { count: COUNT, height: 32, width: 32 });
  await runCliOk(["fit", images, "--std", "--out", artifact], { REDIS_URL: "" });
  s3 = await startS3Server(["data"]);
  for (const [k, v] of Object.entries(s3.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(s3.env));
  ({ server, token, api, follow } = await startServedCluster({
    redisUrl: redis.url,
    prefix,
    env: s3.env,
    work,
    scopes: "read,submit",
    allow: [`${work}/`, MODELS, "s3://data/"],
    workers,
  }));
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await tearDownCluster(workers, redis, prefix, work);
  storage?.close();
  await s3?.stop();
  vi.unstubAllEnvs();
});

/** A row as the rows route gives it. */
interface ApiRow {
  part: number;
  key: string;
  index: number[];
  score: (number | null)[];
  label: (string | null)[] | null;
}

describe("featurewise serve: predictions over HTTP", () => {
  let id: string;
  const viaCli = () => path.join(work, "pred-cli");

  it("a prediction over HTTP writes the embedded CLI's parts byte for byte and its manifest but the timings; SSE gives every state in order, a reconnect misses none", async () => {
    const viaApi = path.join(work, "pred-api");
    await embeddedPredict(predictArgs(viaCli()));
    const submitted = await api.call("POST", "/v1/predictions", {
      token,
      body: predictionBody(viaApi),
    });
    expect(submitted.status).toBe(202);
    id = submitted.body.id as string;
    expect(id).toMatch(/^predict-/);
    expect(submitted.headers.get("location")).toBe(`/v1/predictions/${id}`);
    // A client that drops after the first state and reconnects with its id.
    const first = await follow("predictions", id, undefined, (e) => e.event === "state");
    expect(stateNames(first)).toEqual(["queued"]);
    const rest = await follow("predictions", id, first[0]!.id!);
    expect([...stateNames(first), ...stateNames(rest)]).toEqual(ALL_STATES);
    const replay = (await follow("predictions", id, "0-0")).filter((e) => e.event === "state");
    expect(stateNames(replay)).toEqual(ALL_STATES);
    const ids = replay.map((e) => e.id!);
    const order = (a: string, b: string): number =>
      BigInt(a.split("-")[0]!) < BigInt(b.split("-")[0]!) ? -1 : 1;
    expect([...ids].sort(order)).toEqual(ids);
    expect(stateNames(await follow("predictions", id, ids[2]!))).toEqual(ALL_STATES.slice(3));

    const parts = await expectSamePrediction(viaCli(), viaApi);
    expect(parts).toBe(PARTS);
    const run = await api.call("GET", `/v1/predictions/${id}`, { token });
    expect(run.body).toMatchObject({
      id,
      state: "succeeded",
      n: COUNT,
      model: CIFAR,
      partsReused: 0,
      artifact: `file://${viaApi}/manifest.json`,
    });
    const result = await api.call("GET", `/v1/predictions/${id}/artifact`, { token });
    expect(result.body.manifest.n).toBe(COUNT);
    expect(result.body.manifest.parts).toHaveLength(PARTS);
  });

  it("pages through every row in part order with the report's reader's rows; next is null at the end", async () => {
    const manifest = readManifest(viaCli()) as unknown as PredictManifest;
    const expected: ApiRow[] = [];
    let p = 0;
    for await (const rows of predictionRows(storage.open(viaCli()), manifest)) {
      for (const r of rows) expected.push({ part: manifest.parts[p]!.part, ...r } as ApiRow);
      p++;
    }
    expect(expected).toHaveLength(COUNT);
    expect(expected.every((r) => r.index.length === 3)).toBe(true);
    const got: ApiRow[] = [];
    let query = "limit=70";
    for (let page = 0; page < 10; page++) {
      const r = await api.call("GET", `/v1/predictions/${id}/rows?${query}`, { token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, format: "parquet", rowsTotal: COUNT });
      got.push(...(r.body.rows as ApiRow[]));
      if (r.body.next === null) break;
      query = `part=${r.body.next.part}&offset=${r.body.next.offset}&limit=70`;
    }
    expect(got).toEqual(expected);
    const keys = got.map((r) => r.key);
    expect([...keys].sort()).toEqual(keys);
    const [a, b] = [manifest.parts[1]!.part, manifest.parts[2]!.part];
    const across = await api.call(
      "GET",
      `/v1/predictions/${id}/rows?part=${a}&offset=45&limit=10`,
      {
        token,
      },
    );
    expect(across.body.rows.map((r: ApiRow) => r.key)).toEqual(
      expected
        .filter((r) => r.part === a || r.part === b)
        .slice(45, 55)
        .map((r) => r.key),
    );
    expect(across.body.next).toEqual({ part: b, offset: 5 });
    const whole = await api.call("GET", `/v1/predictions/${id}/rows?limit=1000`, { token });
    expect(whole.body.rows).toHaveLength(COUNT);
    expect(whole.body.next).toBeNull();
  });

  it("refuses rows of an unknown run (404), of one not finished (409) and a bad part, offset or limit (400), naming the value", async () => {
    const missing = await api.call("GET", "/v1/predictions/predict-20200101-000000-abcdef/rows", {
      token,
    });
    expect(missing.status).toBe(404);
    for (const [query, named] of [
      ["limit=0", /^limit "0": expected an integer from 1 to 1000/],
      ["limit=1001", /^limit "1001"/],
      ["limit=ten", /^limit "ten"/],
      ["part=99", /^part 99: expected one of the run's parts \(5 parts/],
      ["offset=51", /^offset "51": expected an integer from 0 to 50/],
    ] as const) {
      const r = await api.call("GET", `/v1/predictions/${id}/rows?${query}`, { token });
      expect(r.status, query).toBe(400);
      expect(r.body.code).toBe("INVALID_ARGUMENT");
      expect(r.body.detail).toMatch(named);
    }
    const queued = await api.call("POST", "/v1/predictions", {
      token,
      body: { ...predictionBody(path.join(work, "pred-cancelled")), imagesPerShard: 1 },
    });
    const qid = queued.body.id as string;
    const early = await api.call("GET", `/v1/predictions/${qid}/rows`, { token });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: "NOT_FINISHED" });
    expect(early.body.detail).toMatch(new RegExp(`^predict ${qid} has no rows: it is \\w+`));
    await api.call("POST", `/v1/predictions/${qid}/cancel`, { token });
    expect(stateNames(await follow("predictions", qid)).at(-1)).toBe("cancelled");
    const cancelled = await api.call("GET", `/v1/predictions/${qid}/rows`, { token });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.detail).toMatch(/it is cancelled/);
  });

  it("predict, status and cancel --api print what they print over Redis; --detach prints the id", async () => {
    const viaRedis = path.join(work, "cli-redis");
    const viaApi = path.join(work, "cli-api");
    const env = { FEATUREWISE_API_TOKEN: token, REDIS_URL: "" };
    const overRedis = predictSummaryOf(
      await runCli(["predict", ...predictArgs(viaRedis), "--redis", redis.url, "--json"], {
        FEATUREWISE_QUEUE_PREFIX: prefix,
      }),
    ) as unknown as Record<string, unknown>;
    const overApi = JSON.parse(
      (await runCliOk(["predict", ...predictArgs(viaApi), "--api", server.url, "--json"], env))
        .stdout,
    ) as Record<string, unknown>;
    const stable = (s: Record<string, unknown>) => ({
      ...s,
      predictId: 0,
      seconds: 0,
      imagesPerSecond: 0,
      output: 0,
      peakRssBytes: 0,
    });
    expect(Object.keys(overApi).sort()).toEqual(Object.keys(overRedis).sort());
    expect(stable(overApi)).toEqual(stable(overRedis));
    expect(overApi["output"]).toBe(`file://${viaApi}`);
    await expectSamePrediction(viaRedis, viaApi);

    const predictId = overApi["predictId"] as string;
    const byRedis = ["--redis", redis.url, "--queue-prefix", prefix];
    const statusApi = JSON.parse(
      (await runCliOk(["status", predictId, "--json", "--api", server.url], env)).stdout,
    ) as Record<string, unknown>;
    const statusRedis = JSON.parse(
      (await runCliOk(["status", predictId, "--json", ...byRedis])).stdout,
    ) as Record<string, unknown>;
    // images/s and the ETA are worked out by each side from its own clock.
    const sameClock = (s: Record<string, unknown>) => ({ ...s, imagesPerSecond: 0, etaSeconds: 0 });
    expect(sameClock(statusApi)).toEqual(sameClock(statusRedis));
    const text = await runCliOk(["status", predictId, "--api", server.url], env);
    expect(text.stdout).toMatch(
      new RegExp(`^${predictId}: succeeded\\n  source: +${images}\\n  model: +${CIFAR}`),
    );
    const cancel = await runCliOk(["cancel", predictId, "--api", server.url], env);
    expect(cancel.stdout.trim()).toBe(`${predictId} had already succeeded; nothing to cancel`);

    const detached = await runCliOk(
      ["predict", ...predictArgs(path.join(work, "cli-detached")), "--api", server.url, "--detach"],
      env,
    );
    const detachedId = detached.stdout.trim();
    expect(detachedId).toMatch(/^predict-\d{8}-\d{6}-/);
    const stopped = await runCliOk(["cancel", detachedId, "--api", server.url, "--json"], env);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ predictId: detachedId });
    const unknown = await runCli(
      ["status", "predict-20200101-000000-abcdef", "--api", server.url],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no predict predict-20200101-000000-abcdef/);
  });

  it("rows read the same from jsonl and npy parts as from parquet (npy without top-k columns: the best 5 of the scores)", async () => {
    const parquet = await api.call("GET", `/v1/predictions/${id}/rows?limit=1000`, { token });
    const expected = parquet.body.rows as ApiRow[];
    for (const format of ["jsonl", "npy"]) {
      const out = path.join(work, `pred-${format}`);
      const submitted = await api.call("POST", "/v1/predictions", {
        token,
        // --top-k writes columns to parquet and jsonl only; npy keeps the scores.
        body: { ...predictionBody(out), format, topK: format === "npy" ? undefined : 3 },
      });
      const fid = submitted.body.id as string;
      const end = await follow("predictions", fid);
      expect(stateNames(end).at(-1), `${format}: ${JSON.stringify(end.at(-1)?.data)}`).toBe(
        "succeeded",
      );
      const page = await api.call("GET", `/v1/predictions/${fid}/rows?limit=1000`, { token });
      expect(page.body).toMatchObject({ format, rowsTotal: COUNT, next: null });
      const rows = page.body.rows as ApiRow[];
      expect(rows.map((r) => [r.part, r.key])).toEqual(expected.map((r) => [r.part, r.key]));
      expect(rows.map((r) => r.index.slice(0, 3))).toEqual(expected.map((r) => r.index));
      const scoreDiff = Math.max(
        ...rows.flatMap((r, i) =>
          r.score.slice(0, 3).map((v, k) => Math.abs(v! - expected[i]!.score[k]!)),
        ),
      );
      expect(scoreDiff, format).toBeLessThan(1e-6);
      expect(rows[0]!.index, format).toHaveLength(format === "npy" ? 5 : 3);
    }
  });

  it("a prediction over HTTP into S3 equals the embedded one in a folder", async () => {
    const submitted = await api.call("POST", "/v1/predictions", {
      token,
      body: predictionBody("s3://data/predictions/a"),
    });
    const sid = submitted.body.id as string;
    expect(stateNames(await follow("predictions", sid)).at(-1)).toBe("succeeded");
    await expectSamePrediction(viaCli(), storage.open("s3://data/predictions/a"));
    const page = await api.call("GET", `/v1/predictions/${sid}/rows?limit=3`, { token });
    expect(page.body.rows).toHaveLength(3);
  });

  it("answers as /openapi.json says (ajv)", async () => {
    const doc = await api.call("GET", "/openapi.json");
    expect(doc.body.paths["/v1/predictions/{id}/rows"].get["x-scope"]).toBe("read");
    const statuses = new Set(
      api.answers.filter((a) => a.path.endsWith("/rows")).map((a) => a.status),
    );
    expect([...statuses].sort()).toEqual([200, 400, 404, 409]);
    expectAnswersMatch(doc.body, api.answers, { everyRoute: false });
  });
});
