import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEmbeddedFit } from "@featurewise/fit";
import { readStorageConfig, Storage } from "@featurewise/storage";
import {
  startFaultProxy,
  type Fault,
  type FaultPlan,
  type FaultProxy,
} from "./helpers/fault-proxy.js";
import { fitOptions, startS3Dataset, tarShards, type S3Dataset } from "./helpers/s3-datasets.js";
import type { S3Server } from "./helpers/s3-server.js";

const COUNT = 400;
let data: S3Dataset;
let server: S3Server;
let storage: Storage;

beforeAll(async () => {
  data = await startS3Dataset("faults", COUNT);
  ({ server, storage } = data);
  const { images, keys } = data;
  const wds = storage.open("s3://data/wds");
  for (const tar of tarShards(images, [...keys].sort(), 100)) await wds.put(tar.name, tar.bytes);
});

afterAll(async () => {
  await data?.close();
});

/** Fits `source` through `endpoint`; returns the artifact's mean.npy and std.npy. */
async function fitThrough(endpoint: string, source: string, out: string) {
  const through = new Storage(
    readStorageConfig({
      ...server.env,
      AWS_ENDPOINT_URL: endpoint,
      FEATUREWISE_S3_TIMEOUT_MS: "2000",
    }),
  );
  try {
    const { stats } = await runEmbeddedFit(fitOptions(source, out), () => {}, {
      storage: through,
      shardConcurrency: 3,
    });
    const store = storage.open(out);
    return { stats, mean: await store.get("mean.npy"), std: await store.get("std.npy") };
  } finally {
    through.close();
  }
}

/**
 * Every `period`-th GET request of the fit goes wrong, in turn: dropped,
 * answered 503 SlowDown, cut off halfway through the body, delayed past
 * the 2 s socket timeout, answered 500 InternalError. At most `max` faults
 * in all.
 */
function everyNth(period: number, max: number): FaultPlan {
  const kinds: Fault[] = [
    { kind: "drop" },
    { kind: "status", status: 503, code: "SlowDown" },
    { kind: "truncate" },
    { kind: "delay", ms: 5000 },
    { kind: "status", status: 500, code: "InternalError" },
  ];
  let faults = 0;
  return (n, req) => {
    // Writes stay clean so the test compares the fit, not the artifact upload.
    if (req.method !== "GET" || n % period !== 0 || faults >= max) return null;
    return kinds[faults++ % kinds.length]!;
  };
}

describe("a fit through an S3 endpoint that drops, delays and truncates requests", () => {
  let proxy: FaultProxy | undefined;
  afterAll(async () => proxy?.stop());

  it("retries and gives exactly the fault-free result, from a prefix and from tars", async () => {
    for (const [name, source] of [
      ["prefix", "s3://data/images"],
      ["tars", "s3://data/wds/shard-{000000..000003}.tar"],
    ] as const) {
      const clean = await fitThrough(server.endpoint, source, `s3://data/runs/${name}-clean`);
      const plan = name === "prefix" ? everyNth(4, 60) : everyNth(2, 10);
      proxy = await startFaultProxy(server.port, plan);
      const faulty = await fitThrough(proxy.endpoint, source, `s3://data/runs/${name}-faulty`);
      const { counts } = proxy;
      await proxy.stop();
      proxy = undefined;
      expect(faulty.stats.n, name).toBe(COUNT);
      expect(faulty.stats.skipped.count, name).toBe(0);
      expect(Buffer.from(faulty.mean).equals(Buffer.from(clean.mean)), name).toBe(true);
      expect(Buffer.from(faulty.std).equals(Buffer.from(clean.std)), name).toBe(true);
      for (const kind of ["drop", "status", "truncate", "delay"] as const) {
        expect(counts.faults[kind], `${name}: ${kind} faults injected`).toBeGreaterThan(0);
      }
    }
  });
});
