import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeKeysJsonl, decodeNpy } from "@featurewise/core";
import { writeSyntheticImages } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { uploadFiles } from "./helpers/s3-datasets.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";

const CLI = fileURLToPath(new URL("../packages/cli/bin/featurewise.js", import.meta.url));
const COUNT = 10_000;
const run = promisify(execFile);
let server: S3Server;
let storage: Storage;
let work: string;
let images: string;

/** Runs the built CLI with the s3rver environment; returns its stdout. */
async function featurewise(...args: string[]): Promise<string> {
  const { stdout } = await run(CLI, args, {
    env: { ...process.env, ...server.env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "fw-cli-s3-"));
  images = path.join(work, "images");
  const keys = await writeSyntheticImages(images, { count: COUNT });
  server = await startS3Server(["data"]);
  for (const [k, v] of Object.entries(server.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(server.env));
  await uploadFiles(storage.open("s3://data/images"), images, keys);
}, 300_000);

afterAll(async () => {
  storage?.close();
  await server?.stop();
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
});

describe("featurewise fit and transform on s3rver, through the CLI", () => {
  it("fits 10,000 images from an S3 prefix into an S3 artifact equal to the local fit", async () => {
    const summary = JSON.parse(
      await featurewise(
        "fit",
        "s3://data/images",
        "--std",
        "--out",
        "s3://data/stats/run1",
        "--json",
      ),
    ) as { n: number; skipped: number; artifact: string; imagesPerSecond: number };
    expect(summary).toMatchObject({ n: COUNT, skipped: 0, artifact: "s3://data/stats/run1" });

    const local = path.join(work, "stats-local");
    await featurewise("fit", images, "--std", "--out", local, "--json");
    const artifact = storage.open("s3://data/stats/run1");
    for (const name of ["mean.npy", "std.npy", "moments.fwm", "stats.npz"]) {
      const fromS3 = Buffer.from(await artifact.get(name));
      expect(fromS3.equals(readFileSync(path.join(local, name))), name).toBe(true);
    }
    const stats = JSON.parse(new TextDecoder().decode(await artifact.get("stats.json"))) as {
      n: number;
      source: { uri: string; listed: number; fingerprint: string };
    };
    expect(stats.n).toBe(COUNT);
    expect(stats.source).toMatchObject({ uri: "s3://data/images", listed: COUNT });
    expect(stats.source.fingerprint).toMatch(/^sha256:/);
  }, 300_000);

  it("transforms with the S3 artifact, writing .npy to S3 and locally alike", async () => {
    const subset = "s3://data/images/class-0003";
    await featurewise(
      "transform",
      subset,
      "--stats",
      "s3://data/stats/run1",
      "--out",
      "s3://data/out/c3.npy",
    );
    const localOut = path.join(work, "c3.npy");
    await featurewise("transform", subset, "--stats", "s3://data/stats/run1", "--out", localOut);
    const out = storage.open("s3://data/out");
    const npy = Buffer.from(await out.get("c3.npy"));
    expect(npy.equals(readFileSync(localOut))).toBe(true);
    const { shape, data } = decodeNpy(npy);
    expect(shape).toEqual([1000, 32, 32, 3]);
    // Standardized with the fit's statistics: about zero mean, unit spread.
    const mean = Float64Array.from(data).reduce((a, b) => a + b, 0) / data.length;
    expect(Math.abs(mean)).toBeLessThan(0.5);
    const keys = decodeKeysJsonl(await out.get("c3.npy.keys.jsonl"), "c3.npy.keys.jsonl");
    expect(keys).toHaveLength(1000);
    expect(keys[0]).toBe("img-0003000.png");
  }, 300_000);
});
