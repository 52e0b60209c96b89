import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_FILES } from "@featurewise/core";
import { type FitOptions, runEmbeddedFit } from "@featurewise/fit";
import type { Storage } from "@featurewise/storage";
import { fitOptions, startS3Dataset, tarShards, type S3Dataset } from "./helpers/s3-datasets.js";

const COUNT = 300;
const PER_SHARD = 100;
let data: S3Dataset;
let storage: Storage;
let work: string;
let images: string;
let localTars: string;

beforeAll(async () => {
  data = await startS3Dataset("sources", COUNT);
  ({ storage, work, images } = data);
  const { keys } = data;
  localTars = path.join(work, "tars");
  mkdirSync(localTars);
  const wds = storage.open("s3://data/wds");
  for (const tar of tarShards(images, [...keys].sort(), PER_SHARD)) {
    writeFileSync(path.join(localTars, tar.name), tar.bytes);
    await wds.put(tar.name, tar.bytes);
  }
});

afterAll(async () => {
  await data?.close();
});

/** The artifact's arrays and its stats.json, read back from wherever it was written. */
async function artifact(out: string, names: string[]) {
  const store = storage.open(out);
  const files = await Promise.all(names.map((n) => store.get(n)));
  const stats = JSON.parse(new TextDecoder().decode(await store.get("stats.json"))) as {
    n: number;
    skipped: { count: number };
    source: { uri: string; listed: number; fingerprint: string };
  };
  return { files: files.map((f) => Buffer.from(f)), stats };
}

const SOURCES = () =>
  [
    ["local folder", images],
    ["S3 prefix", "s3://data/images"],
    ["S3 WebDataset tars", "s3://data/wds/shard-{000000..000002}.tar"],
    ["local WebDataset tars", path.join(localTars, "shard-{000000..000002}.tar")],
  ] as const;

async function fitAll(name: string, overrides: Partial<FitOptions>, files: string[]) {
  const results = [];
  for (const [label, source] of SOURCES()) {
    const out = `s3://data/runs/${name}/${label.replace(/ /g, "-")}`;
    await runEmbeddedFit(
      fitOptions(source, out, { imagesPerShard: PER_SHARD, ...overrides }),
      () => {},
      {
        storage,
        shardConcurrency: 3,
      },
    );
    results.push({ label, ...(await artifact(out, files)) });
  }
  return results;
}

describe("the same images from every kind of source", () => {
  it("give bit-identical mean/std statistics (same shard plan)", async () => {
    const results = await fitAll("std", {}, ["mean.npy", "std.npy", ARTIFACT_FILES.moments]);
    const [first] = results;
    for (const r of results) {
      expect(r.stats.n, r.label).toBe(COUNT);
      expect(r.stats.skipped.count, r.label).toBe(0);
      r.files.forEach((f, i) =>
        expect(f.equals(first!.files[i]!), `${r.label} file ${i}`).toBe(true),
      );
    }
    // Object listings fingerprint the images, tar sources the tars.
    expect(new Set(results.map((r) => r.stats.source.fingerprint)).size).toBe(4);
    expect(results[0]!.stats.source.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("give bit-identical ZCA whitening matrices, whatever the shard concurrency", async () => {
    const zca = {
      flags: { featurewiseCenter: false, featurewiseStdNormalization: false, zcaWhitening: true },
      decode: { colorMode: "rgb", targetSize: [8, 8], interpolation: "nearest" },
    } as const;
    const results = await fitAll("zca", zca, ["mean.npy", "zca_whitening_matrix.npy"]);
    for (const r of results) {
      r.files.forEach((f, i) =>
        expect(f.equals(results[0]!.files[i]!), `${r.label} file ${i}`).toBe(true),
      );
    }
    const serial = "s3://data/runs/zca-serial";
    await runEmbeddedFit(
      fitOptions("s3://data/images", serial, { ...zca, imagesPerShard: PER_SHARD }),
      () => {},
      {
        storage,
        shardConcurrency: 1,
      },
    );
    const again = await artifact(serial, ["mean.npy", "zca_whitening_matrix.npy"]);
    again.files.forEach((f, i) => expect(f.equals(results[0]!.files[i]!)).toBe(true));
  });
});
