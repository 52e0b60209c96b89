import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { runEmbeddedFit } from "@featurewise/fit";
import { DEFAULT_STORAGE_CONFIG, readStorageConfig, Storage } from "@featurewise/storage";
import { startLatencyProxy, type LatencyProxy } from "./helpers/latency-proxy.mjs";
import { startFaultProxy } from "./helpers/fault-proxy.js";
import { requestKind } from "./helpers/latency-proxy.mjs";
import { fitOptions, startS3Dataset, type S3Dataset } from "./helpers/s3-datasets.js";

// Not timed: these tests read what the reader asks of a store whose every
// request takes 30 ms more (bench/s3-latency.mjs measures the rates).
const COUNT = 2_500;
const DELAY_MS = 30;
let data: S3Dataset;
let proxy: LatencyProxy;
let slow: Storage;

beforeAll(async () => {
  data = await startS3Dataset("latency", COUNT);
  proxy = await startLatencyProxy(data.server.port, { delayMs: DELAY_MS });
  slow = new Storage(readStorageConfig({ ...data.server.env, AWS_ENDPOINT_URL: proxy.endpoint }));
});

afterAll(async () => {
  slow?.close();
  await proxy?.stop();
  await data?.close();
});

/** Waits until `check` holds, up to `ms`; whether it did. */
async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

describe("S3 at 30 ms a request", () => {
  it("requests the next listing pages while the consumer still holds the first key", async () => {
    proxy.reset();
    const keys = slow.open("s3://data/images").list()[Symbol.asyncIterator]();
    const first = await keys.next();
    expect(first.done).toBe(false);
    // The consumer has taken 1 of the first page's 1,000 keys and stops here:
    // the next pages are asked for meanwhile, `listPagesAhead` of them and no more.
    const ahead = DEFAULT_STORAGE_CONFIG.s3.listPagesAhead;
    expect(ahead).toBeGreaterThanOrEqual(2);
    expect(await waitFor(() => proxy.count("list") >= 1 + ahead, 5_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 4 * DELAY_MS));
    expect(proxy.count("list")).toBe(1 + ahead);
    let n = 1;
    while ((await keys.next()).done !== true) n++;
    expect(n).toBe(COUNT);
    expect(proxy.count("list")).toBe(Math.ceil(COUNT / 1000));
  });

  it("fails naming the prefix when a page asked for ahead fails, after the keys before it", async () => {
    let lists = 0;
    const faulty = await startFaultProxy(data.server.port, (_n, req) =>
      requestKind(req.method, req.path) === "list" && ++lists === 2
        ? { kind: "status", status: 403, code: "AccessDenied" }
        : null,
    );
    const storage = new Storage(
      readStorageConfig({ ...data.server.env, AWS_ENDPOINT_URL: faulty.endpoint }),
    );
    try {
      let n = 0;
      const err = await (async () => {
        for await (const item of storage.open("s3://data/images").list())
          n += item.size > 0 ? 1 : 0;
      })().catch((e: unknown) => e);
      expect(n).toBe(1000);
      expect(isFeaturewiseError(err, "IO_ERROR")).toBe(true);
      expect(String(err)).toMatch(/s3:\/\/data\/images\/.*access denied/);
      // A reader that stops early leaves no page request behind it failing unobserved.
      lists = 0;
      const keys = storage.open("s3://data/images").list()[Symbol.asyncIterator]();
      expect((await keys.next()).done).toBe(false);
      await keys.return?.();
      await waitFor(() => lists >= 2, 5_000);
    } finally {
      storage.close();
      await faulty.stop();
    }
  });

  it("keeps FEATUREWISE_S3_CONCURRENCY object GETs in flight through a fit, never more", async () => {
    proxy.reset();
    const limit = DEFAULT_STORAGE_CONFIG.s3.maxConcurrentGets;
    const out = path.join(data.work, "out-latency");
    await runEmbeddedFit(fitOptions("s3://data/images", out, { imagesPerShard: 1000 }), () => {}, {
      storage: slow,
    });
    expect(proxy.count("get")).toBeGreaterThanOrEqual(COUNT);
    expect(proxy.maxInFlight.get).toBe(limit);
    // Sampled every 10 ms from the first GET to the last: the median is the
    // steady state (the shape sample, ramp-up and tail are a small part).
    // Measured 51 of 64 (30 of 32 at the old default) on 2 cores at load ~8.
    const samples = proxy.inFlightOverTime("get", 10).sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)]!;
    console.log(
      `GETs in flight at 30 ms: median ${median}, time-weighted mean ${proxy.meanInFlight("get").toFixed(1)}, limit ${limit}`,
    );
    expect(median).toBeGreaterThanOrEqual(0.6 * limit);
  });
});
