import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticImages } from "@featurewise/dataset";
import { startRedisServer, uniquePrefix, type RedisServer } from "./helpers/redis.js";
import { pollUntil, startWorker, stopWorkers, type WorkerProcess } from "./helpers/workers.js";
import {
  clusterFitWithId,
  embeddedFit,
  expectSameArtifact,
  summaryOf,
} from "./helpers/workers-fit.js";

let server: RedisServer;
let work: string;
let images: string;
const prefix = uniquePrefix("restart");
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // Its own Redis, with an append-only file, so it can be stopped and started again.
  server = await startRedisServer({ appendonly: true });
  work = mkdtempSync(path.join(tmpdir(), "fw-cluster-restart-"));
  images = path.join(work, "images");
  await writeSyntheticImages(images, { count: 2000, height: 8, width: 8 });
  for (const name of ["r1", "r2"]) {
    // Each shard holds its lock 150 ms longer, so the fit is still running when Redis goes.
    const args = ["--faults", '{"holdMs":{"shard":150}}'];
    workers.push(await startWorker({ redisUrl: server.url, prefix, name, args }));
  }
}, 120_000);

afterAll(async () => {
  await stopWorkers(workers);
  await server?.stop(); // removes its folder, keys included
  rmSync(work, { recursive: true, force: true });
});

describe("Redis restarted in the middle of a fit", () => {
  it("the fit completes, bit-identical to the embedded fit", async () => {
    const args = [images, "--std", "--images-per-shard", "50"];
    const out = path.join(work, "cluster");
    const fit = clusterFitWithId(server.url, prefix, [...args, "--out", out]);
    const fitId = await fit.fitId;
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    const doneBefore = await pollUntil(
      async () => {
        const done = Number(await redis.hget(`${prefix}:fit:${fitId}`, "shardsDone"));
        return done >= 5 ? done : undefined;
      },
      60_000,
      "5 shards done",
    );
    redis.disconnect();
    await server.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await server.restart();
    const summary = summaryOf(await fit.done);
    expect(summary).toMatchObject({ fitId, n: 2000, skipped: 0 });
    expect(doneBefore).toBeLessThan(40);
    const local = path.join(work, "embedded");
    await embeddedFit([...args, "--out", local]);
    await expectSameArtifact(local, out);
  }, 120_000);
});
