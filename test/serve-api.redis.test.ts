import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { expectAnswersMatch, type ApiRecorder } from "./helpers/api-contract.js";
import { runCli, runCliOk } from "./helpers/cli.js";
import { uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";
import { uploadFiles } from "./helpers/s3-datasets.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";
import { startServedCluster, stateNames, type ServedCluster } from "./helpers/served-cluster.js";
import type { ServeProcess } from "./helpers/serve.js";
import { tearDownCluster, type WorkerProcess } from "./helpers/workers.js";
import {
  clusterFit,
  embeddedFit,
  expectSameArtifact,
  expectSameStatsJson,
  summaryOf,
} from "./helpers/workers-fit.js";

// End to end over HTTP: a real `featurewise serve`, real workers, Redis and
// s3rver; every answer is recorded and validated against /openapi.json.
const COUNT = 300;
const ALL_STATES = ["queued", "planning", "running", "finalizing", "succeeded"];
let redis: TestRedis;
let s3: S3Server;
let storage: Storage;
let work: string;
let images: string;
let server: ServeProcess;
let api: ApiRecorder;
let token: string;
let follow: ServedCluster["follow"];
const prefix = uniquePrefix("serve");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  work = mkdtempSync(path.join(tmpdir(), "fw-serve-"));
  images = path.join(work, "images");
  const keys = await writeSyntheticImages(images, { count: COUNT, height: 8, width: 8 });
  s3 = await startS3Server(["data"]);
  for (const [k, v] of Object.entries(s3.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(s3.env));
  await uploadFiles(storage.open("s3://data/images"), images, keys);
  ({ server, token, api, follow } = await startServedCluster({
    redisUrl: redis.url,
    prefix,
    env: s3.env,
    work,
    scopes: "read,submit,admin",
    allow: [`${work}/`, "s3://data/"],
    workers,
  }));
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await tearDownCluster(workers, redis, prefix, work);
  storage?.close();
  await s3?.stop();
  vi.unstubAllEnvs();
});

describe("featurewise serve: fits over HTTP", () => {
  it("a --std fit submitted over HTTP writes the CLI's artifact byte for byte; SSE gives every state in order", async () => {
    const viaCli = path.join(work, "std-cli");
    const viaApi = path.join(work, "std-api");
    summaryOf(
      await clusterFit(redis.url, prefix, [
        images,
        "--std",
        "--out",
        viaCli,
        "--images-per-shard",
        "50",
      ]),
    );
    const submitted = await api.call("POST", "/v1/fits", {
      token,
      body: {
        source: images,
        out: viaApi,
        std: true,
        imagesPerShard: 50,
      },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    expect(submitted.headers.get("location")).toBe(`/v1/fits/${id}`);
    const events = await follow("fits", id);
    expect(stateNames(events)).toEqual(ALL_STATES);
    const ids = events.filter((e) => e.event === "state").map((e) => e.id!);
    expect(
      [...ids].sort((a, b) => (BigInt(a.split("-")[0]!) < BigInt(b.split("-")[0]!) ? -1 : 1)),
    ).toEqual(ids);
    const last = events.filter((e) => e.event === "progress").at(-1)!;
    expect(last.data).toMatchObject({
      state: "succeeded",
      imagesDone: COUNT,
      imagesTotal: COUNT,
      partsDone: 6,
    });

    const run = await api.call("GET", `/v1/fits/${id}`, { token });
    expect(run.body).toMatchObject({
      id,
      state: "succeeded",
      n: COUNT,
      artifact: `file://${viaApi}`,
    });
    const artifact = await api.call("GET", `/v1/fits/${id}/artifact`, { token });
    expect(artifact.body.stats.n).toBe(COUNT);
    expect(artifact.body.files.mean).toBe(`file://${viaApi}/mean.npy`);
    await expectSameArtifact(viaCli, viaApi);
    expectSameStatsJson(viaCli, viaApi);

    // Replays: all of it, and after the second change.
    expect(stateNames(await follow("fits", id, "0-0"))).toEqual(ALL_STATES);
    expect(stateNames(await follow("fits", id, ids[1]!))).toEqual(ALL_STATES.slice(2));
  });

  it("a ZCA fit on S3 over HTTP equals the embedded fit; a client that drops mid-run and reconnects misses no state", async () => {
    const local = path.join(work, "zca-embedded");
    await embeddedFit([
      images,
      "--zca",
      "--out",
      local,
      "--images-per-shard",
      "50",
      "--backend",
      "js",
    ]);
    const submitted = await api.call("POST", "/v1/fits", {
      token,
      body: {
        source: "s3://data/images",
        out: "s3://data/stats/zca",
        zca: true,
        imagesPerShard: 50,
        backend: "js",
      },
    });
    const id = submitted.body.id as string;
    const first = await follow("fits", id, undefined, (e) => e.event === "state");
    expect(stateNames(first)).toEqual(["queued"]);
    const rest = await follow("fits", id, first[0]!.id!);
    expect([...stateNames(first), ...stateNames(rest)]).toEqual(ALL_STATES);
    await expectSameArtifact(local, storage.open("s3://data/stats/zca"), [
      "mean.npy",
      "std.npy",
      "moments.fwm",
      "stats.npz",
      "zca_whitening_matrix.npy",
    ]);
  });

  it("an Idempotency-Key makes a retried POST return the same run, and refuses another body", async () => {
    const body = { source: images, out: path.join(work, "idem"), imagesPerShard: 100 };
    const headers = { "idempotency-key": "retry-me-1" };
    const [a, b] = await Promise.all([
      api.call("POST", "/v1/fits", { token, body, headers }),
      api.call("POST", "/v1/fits", { token, body, headers }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.id).toBe(a.body.id);
    const other = await api.call("POST", "/v1/fits", {
      token,
      body: { ...body, imagesPerShard: 7 },
      headers,
    });
    expect(other.status).toBe(400);
    expect(other.body.detail).toMatch(/Idempotency-Key/);
    await follow("fits", a.body.id as string);
  });

  it("cancel ends a run as cancelled; its events end with the cancellation", async () => {
    const submitted = await api.call("POST", "/v1/fits", {
      token,
      body: { source: images, out: path.join(work, "cancelled"), imagesPerShard: 1 },
    });
    const id = submitted.body.id as string;
    const cancel = await api.call("POST", `/v1/fits/${id}/cancel`, { token });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id, state: "cancelled" });
    const events = await follow("fits", id);
    expect(stateNames(events).at(-1)).toBe("cancelled");
    expect(stateNames(events)[0]).toBe("queued");
    const again = await api.call("POST", `/v1/fits/${id}/cancel`, { token });
    expect(again.body).toMatchObject({ cancelled: false });
    const artifact = await api.call("GET", `/v1/fits/${id}/artifact`, { token });
    expect(artifact.status).toBe(404);
  });

  it("lists runs newest first, pages with a cursor and filters by state", async () => {
    const page1 = await api.call("GET", "/v1/fits?limit=2", { token });
    expect(page1.body.items).toHaveLength(2);
    const page2 = await api.call("GET", `/v1/fits?limit=2&cursor=${page1.body.next}`, { token });
    const ids = [...page1.body.items, ...page2.body.items].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort().reverse()).toEqual(ids);
    const cancelled = await api.call("GET", "/v1/fits?state=cancelled", { token });
    expect(cancelled.body.items.length).toBeGreaterThanOrEqual(1);
    for (const r of cancelled.body.items) expect(r.state).toBe("cancelled");
    expect((await api.call("GET", "/v1/fits?limit=0", { token })).status).toBe(400);
    expect((await api.call("GET", "/v1/fits?state=done", { token })).status).toBe(400);
  });

  it("fit, status and cancel --api print what they print over Redis", async () => {
    const viaRedis = path.join(work, "cli-redis");
    const viaApi = path.join(work, "cli-api");
    const args = [images, "--std", "--rescale", "1/255", "--images-per-shard", "100"];
    const env = { FEATUREWISE_API_TOKEN: token, REDIS_URL: "" };
    const overRedis = summaryOf(await clusterFit(redis.url, prefix, [...args, "--out", viaRedis]));
    const overApi = JSON.parse(
      (await runCliOk(["fit", ...args, "--out", viaApi, "--api", server.url, "--json"], env))
        .stdout,
    ) as Record<string, unknown>;
    expect(Object.keys(overApi).sort()).toEqual(Object.keys(overRedis).sort());
    const stable = (s: Record<string, unknown>) => ({
      ...s,
      fitId: 0,
      seconds: 0,
      imagesPerSecond: 0,
      artifact: 0,
      peakRssBytes: 0,
    });
    expect(stable(overApi)).toEqual(stable(overRedis as unknown as Record<string, unknown>));
    await expectSameArtifact(viaRedis, viaApi);
    expectSameStatsJson(viaRedis, viaApi);
    const fitId = overApi["fitId"] as string;
    const statusApi = await runCliOk(["status", fitId, "--json", "--api", server.url], env);
    const statusRedis = await runCliOk([
      "status",
      fitId,
      "--json",
      "--redis",
      redis.url,
      "--queue-prefix",
      prefix,
    ]);
    expect(JSON.parse(statusApi.stdout)).toEqual(JSON.parse(statusRedis.stdout));
    const text = await runCliOk(["status", fitId, "--api", server.url], env);
    expect(text.stdout).toMatch(new RegExp(`^fit ${fitId}: succeeded`));
    const cancel = await runCliOk(["cancel", fitId, "--api", server.url], env);
    expect(cancel.stdout.trim()).toBe(`fit ${fitId} had already succeeded; nothing to cancel`);
    const unknown = await runCli(
      ["status", "fit-20200101-000000-abcdef", "--api", server.url],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no fit fit-20200101-000000-abcdef/);
    const noToken = await runCli(["status", fitId, "--api", server.url], {
      FEATUREWISE_API_TOKEN: "",
    });
    expect(noToken.stderr).toMatch(/no API token.*FEATUREWISE_API_TOKEN/);
  });

  it("takes predictions as a second kind of run: submit, read, list, cancel, events", async () => {
    const outside = await api.call("POST", "/v1/predictions", {
      token,
      body: {
        source: images,
        model: "/etc/model.onnx",
        stats: false,
        out: path.join(work, "pred"),
      },
    });
    expect(outside.status).toBe(403);
    expect(outside.body.detail).toMatch(/^model "\/etc\/model.onnx"/);
    const bad = await api.call("POST", "/v1/predictions", { token, body: { source: images } });
    expect(bad.status).toBe(400);
    const submitted = await api.call("POST", "/v1/predictions", {
      token,
      body: {
        source: images,
        model: path.join(work, "no-model.onnx"),
        stats: false,
        out: path.join(work, "pred"),
        topK: 3,
      },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    expect(id).toMatch(/^predict-/);
    await api.call("POST", `/v1/predictions/${id}/cancel`, { token });
    const events = await follow("predictions", id);
    expect(stateNames(events)[0]).toBe("queued");
    expect(["failed", "cancelled"]).toContain(stateNames(events).at(-1));
    const run = await api.call("GET", `/v1/predictions/${id}`, { token });
    expect(run.body).toMatchObject({ id, kind: "predict", final: true });
    const list = await api.call("GET", "/v1/predictions", { token });
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(id);
    expect((await api.call("GET", `/v1/predictions/${id}/artifact`, { token })).status).toBe(404);
    // Rows: the route's errors (a succeeded prediction's rows: serve-predict.redis.test.ts).
    const rows = await api.call("GET", `/v1/predictions/${id}/rows`, { token });
    expect(rows.status).toBe(409);
    expect(rows.body.code).toBe("NOT_FINISHED");
    const unknownRows = await api.call(
      "GET",
      "/v1/predictions/predict-20200101-000000-abcdef/rows",
      {
        token,
      },
    );
    expect(unknownRows.status).toBe(404);
    expect((await api.call("GET", `/v1/predictions/${id}/rows?limit=0`, { token })).status).toBe(
      400,
    );
    expect((await api.call("GET", `/v1/fits/${id}`, { token })).status).toBe(404);
  });

  it("answers every route, errors included, as /openapi.json says (ajv)", async () => {
    const missing = "fit-20200101-000000-abcdef";
    await api.call("GET", `/v1/fits/${missing}`, { token });
    await api.call("POST", `/v1/fits/${missing}/cancel`, { token });
    await api.call("GET", `/v1/fits/${missing}/artifact`, { token });
    await api.call("GET", `/v1/fits/${missing}/events`, { token });
    await api.call("GET", "/v1/fits/x/events", { token, headers: { "last-event-id": "nope" } });
    await api.call("POST", "/v1/fits", { token, body: { source: images } });
    await api.call("POST", "/v1/fits", { token, rawBody: "{not json" });
    await api.call("POST", "/v1/fits", { token, body: { source: "/etc", out: "/tmp/x" } });
    await api.call("POST", "/v1/fits", {
      token,
      body: { source: images, out: "x".repeat(70_000) },
    });
    await api.call("GET", "/v1/fits");
    await api.call("GET", "/v1/fits", { token: "wrong" });
    const health = await api.call("GET", "/v1/health");
    expect(health.body).toEqual({ status: "ok" });
    const ready = await api.call("GET", "/v1/ready");
    expect(ready.body).toMatchObject({ ready: true });
    const metrics = await api.call("GET", "/metrics", { token });
    expect(metrics.body).toMatch(/featurewise_http_request_duration_seconds_bucket/);
    expect(metrics.body).toMatch(/featurewise_runs\{kind="fit",state="succeeded"\} [1-9]/);
    expect(metrics.body).toMatch(/featurewise_queue_jobs\{queue="shard",state="completed"\}/);
    await api.call("GET", "/metrics");
    const doc = await api.call("GET", "/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    const statuses = new Set(api.answers.map((a) => a.status));
    for (const s of [200, 202, 400, 401, 403, 404, 413]) expect(statuses).toContain(s);
    expectAnswersMatch(doc.body, api.answers);
  });
});
