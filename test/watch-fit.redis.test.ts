// The watching side of a cluster fit against a real Redis, without workers:
// the fit's record is written here as a worker would write it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Storage } from "@featurewise/storage";
import { FitClient, watchFit } from "@featurewise/fit/cluster/client";
import { deletePrefix, uniquePrefix, useRedis, type TestRedis } from "./helpers/redis.js";

let redis: TestRedis;
let client: FitClient;
const prefix = uniquePrefix("watch");
const storage = new Storage();

beforeAll(async () => {
  redis = await useRedis();
  client = await FitClient.connect(redis.url, prefix);
});

afterAll(async () => {
  await client?.close();
  await deletePrefix(redis.url, prefix);
  await redis?.stop();
});

describe("watchFit", () => {
  it("hears a fit's end when it happens, not at its next poll", async () => {
    const fitId = "watch-end-1";
    await client.fits.create(fitId, "/data", "/out", Date.now());
    const seen: string[] = [];
    // One read, then a minute before the next: only the record's channel can wake it sooner.
    const watching = watchFit(client, storage, fitId, (p) => seen.push(p.status.state), {
      pollMs: 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ended = expect(watching).rejects.toThrow(/bad\.png: not a PNG/);
    const failedAt = Date.now();
    await client.fits.fail(fitId, {
      code: "DECODE_FAILED",
      message: "bad.png: not a PNG",
      job: "j",
    });
    await ended;
    expect(Date.now() - failedAt).toBeLessThan(5_000);
    expect(seen).toEqual(["queued"]);
  });

  it("still ends by polling when the change was published before it listened", async () => {
    const fitId = "watch-end-2";
    await client.fits.create(fitId, "/data", "/out", Date.now());
    await client.fits.setState(fitId, "cancelled");
    await expect(watchFit(client, storage, fitId, () => {}, { pollMs: 60_000 })).rejects.toThrow(
      /cancel/,
    );
  });
});
