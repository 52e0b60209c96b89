import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { encodeTar } from "@featurewise/dataset";
import { type FitOptions, runEmbeddedFit } from "@featurewise/fit";
import { runTransform } from "@featurewise/pipeline";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { startFaultProxy, type FaultPlan } from "./helpers/fault-proxy.js";
import { fitOptions, startS3Dataset, tarShards, type S3Dataset } from "./helpers/s3-datasets.js";
import type { S3Server } from "./helpers/s3-server.js";

const COUNT = 200;
let data: S3Dataset;
let server: S3Server;
let storage: Storage;
let work: string;

beforeAll(async () => {
  data = await startS3Dataset("bad-input", COUNT);
  ({ server, storage, work } = data);
  const { images, keys } = data;
  const [good, cut] = tarShards(images, [...keys].sort(), 100);
  const wds = storage.open("s3://data/bad-wds");
  await wds.put("shard-000000.tar", good!.bytes);
  await wds.put("shard-000001.tar", cut!.bytes.subarray(0, Math.floor(cut!.bytes.length * 0.6)));
  const text = (s: string) => new TextEncoder().encode(s);
  await wds.put(
    "shard-000002.tar",
    encodeTar([
      { name: "a/000.png", data: text("this is not a PNG") },
      { name: "a/001.json", data: text("{}") },
      { name: "a/002.png", data: new Uint8Array(good!.bytes.subarray(0, 0)) },
    ]),
  );
  await wds.put("shard-000003.tar", encodeTar([{ name: "0.json", data: text("{}") }]));
});

afterAll(async () => {
  await data?.close();
});

async function fitError(options: FitOptions, through: Storage = storage): Promise<unknown> {
  return runEmbeddedFit(options, () => {}, { storage: through }).then(
    () => new Error("the fit succeeded"),
    (err: unknown) => err,
  );
}

async function withProxy<T>(plan: FaultPlan, run: (through: Storage) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(server.port, plan);
  const through = new Storage(
    readStorageConfig({ ...server.env, AWS_ENDPOINT_URL: proxy.endpoint }),
  );
  try {
    return await run(through);
  } finally {
    through.close();
    await proxy.stop();
  }
}

describe("bad S3 inputs give clear errors naming the URI", () => {
  it("a missing bucket, a missing prefix, missing tars", async () => {
    const bucket = await fitError(fitOptions("s3://no-bucket/images", "s3://data/runs/x"));
    expect(isFeaturewiseError(bucket, "NOT_FOUND")).toBe(true);
    expect(String(bucket)).toContain(
      'cannot list s3://no-bucket/images/: bucket "no-bucket" does not exist',
    );

    const out = await fitError(fitOptions("s3://data/images", "s3://no-out-bucket/stats"));
    expect(isFeaturewiseError(out, "NOT_FOUND")).toBe(true);
    expect(String(out)).toContain(
      'cannot list s3://no-out-bucket/stats/: bucket "no-out-bucket" does not exist',
    );

    const prefix = await fitError(fitOptions("s3://data/no-such-prefix", "s3://data/runs/x"));
    expect(isFeaturewiseError(prefix, "NOT_FOUND")).toBe(true);
    expect(String(prefix)).toContain(
      "source s3://data/no-such-prefix: no objects under this prefix",
    );

    const tars = await fitError(
      fitOptions("s3://data/bad-wds/shard-{000000..000009}.tar", "s3://data/runs/x"),
    );
    expect(isFeaturewiseError(tars, "NOT_FOUND")).toBe(true);
    expect(String(tars)).toMatch(
      /6 tar file\(s\) do not exist: s3:\/\/data\/bad-wds\/shard-000004\.tar, .* and 1 more/,
    );
  });

  it("an endpoint that refuses connections", async () => {
    const proxy = await startFaultProxy(server.port, () => null);
    await proxy.stop();
    const dead = new Storage(
      readStorageConfig({ ...server.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_MAX_ATTEMPTS: "2" }),
    );
    try {
      const err = await fitError(fitOptions("s3://data/images", "s3://data/runs/x"), dead);
      expect(isFeaturewiseError(err, "IO_ERROR")).toBe(true);
      // The first request is the artifact lock's, before the source is listed.
      expect(String(err)).toContain(
        `cannot stat s3://data/runs/x/.featurewise/lock.json: the S3 endpoint ${proxy.endpoint} refused the connection`,
      );
    } finally {
      dead.close();
    }
  });

  it("an object that answers 403: a listed skip, or the fit's failure under --on-error fail", async () => {
    const denied: FaultPlan = (_n, req) =>
      req.method === "GET" && req.path.includes("img-0000007.png")
        ? { kind: "status", status: 403, code: "AccessDenied" }
        : null;
    await withProxy(denied, async (through) => {
      const { stats } = await runEmbeddedFit(
        fitOptions("s3://data/images", "s3://data/runs/denied"),
        () => {},
        {
          storage: through,
        },
      );
      expect(stats.n).toBe(COUNT - 1);
      expect(stats.skipped.items).toEqual([
        {
          key: "class-0000/img-0000007.png",
          reason: expect.stringMatching(
            /^cannot read s3:\/\/data\/images\/class-0000\/img-0000007\.png: access denied \(HTTP 403/,
          ),
        },
      ]);
      const err = await fitError(
        fitOptions("s3://data/images", "s3://data/runs/denied-fail", { onError: "fail" }),
        through,
      );
      expect(String(err)).toContain("s3://data/images/class-0000/img-0000007.png");
      expect(String(err)).toContain("access denied");
      expect(await storage.open("s3://data/runs/denied-fail").head("stats.json")).toBeNull();
    });
  });

  it("truncated tars, non-image members and tars without images are listed skips", async () => {
    const source = "s3://data/bad-wds/shard-{000000..000003}.tar";
    // Skips are what this test is about: allow them (the default --max-skipped is 1%).
    const allowSkips = { maxSkipped: { fraction: 1 } };
    const { stats } = await runEmbeddedFit(
      fitOptions(source, "s3://data/runs/bad-wds", allowSkips),
      () => {},
      {
        storage,
      },
    );
    const reasons = new Map(stats.skipped.items.map((s) => [s.key, s.reason]));
    expect(reasons.get("shard-000001.tar")).toMatch(
      /^s3:\/\/data\/bad-wds\/shard-000001\.tar: truncated tar: the file ends inside (member "class-0001\/img-\d+\.(png|cls)"|the header at byte \d+)/,
    );
    expect(reasons.get("shard-000002.tar/a/000.png")).toMatch(/not an image|corrupt|unsupported/i);
    expect(reasons.get("shard-000002.tar/a/001")).toMatch(
      /^sample has no image member \(members: json;/,
    );
    expect(reasons.get("shard-000002.tar/a/002.png")).toBeDefined();
    expect(reasons.get("shard-000003.tar")).toMatch(
      /shard-000003\.tar: the tar holds no image members/,
    );
    const fromCutTar = stats.n - 100;
    expect(fromCutTar).toBeGreaterThan(40);
    expect(fromCutTar).toBeLessThan(62);

    const err = await fitError(
      fitOptions(source, "s3://data/runs/bad-wds-fail", { onError: "fail" }),
    );
    expect(String(err)).toContain("s3://data/bad-wds/shard-000001.tar: truncated tar");
    expect(await storage.open("s3://data/runs/bad-wds-fail").head("stats.json")).toBeNull();
  });

  it("a failed artifact upload leaves no stats.json behind, not even the old one", async () => {
    const out = "s3://data/runs/rewrite";
    await runEmbeddedFit(fitOptions("s3://data/images", out), () => {}, { storage });
    expect(await storage.open(out).head("stats.json")).not.toBeNull();
    const failStats: FaultPlan = (_n, req) =>
      req.method === "PUT" && req.path.includes("/stats.json")
        ? { kind: "status", status: 403, code: "AccessDenied" }
        : null;
    await withProxy(failStats, async (through) => {
      const err = await fitError(fitOptions("s3://data/images", out), through);
      expect(String(err)).toContain(`cannot write ${out}/stats.json: access denied`);
    });
    expect(await storage.open(out).head("stats.json")).toBeNull();
    expect(await storage.open(out).head("mean.npy")).not.toBeNull();
  });

  it("transform names a missing stats artifact", async () => {
    const err = await runTransform({
      source: "s3://data/images",
      out: path.join(work, "x.npy"),
      stats: "s3://data/runs/never",
      dtype: "float32",
      decode: {},
      dataFormat: "channels_last",
      onError: "skip",
      backend: "js",
      storage,
    }).catch((e: unknown) => e);
    expect(isFeaturewiseError(err, "NOT_FOUND")).toBe(true);
    expect(String(err)).toContain("s3://data/runs/never/stats.json");
  });
});
