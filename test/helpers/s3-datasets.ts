import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { vi } from "vitest";
import { FIT_DEFAULTS } from "@featurewise/core";
import { encodeTar, writeSyntheticImages } from "@featurewise/dataset";
import type { FitOptions } from "@featurewise/fit";
import { readStorageConfig, Storage, type ObjectStore } from "@featurewise/storage";
import { startS3Server, type S3Server } from "./s3-server.js";

/** An s3rver holding a synthetic image set; see {@link startS3Dataset}. */
export interface S3Dataset {
  readonly server: S3Server;
  /** Storage configured for the server (as the environment now says). */
  readonly storage: Storage;
  /** A temporary folder; the images are under `images`. */
  readonly work: string;
  readonly images: string;
  /** The images' keys, relative to `images` and to `s3://data/images`. */
  readonly keys: readonly string[];
  /** Stops the server, restores the environment, removes `work`. */
  close(): Promise<void>;
}

/**
 * The S3 set-up of the S3 tests, once: `count` synthetic 32x32 PNGs (100 a
 * sub-folder) in a temporary folder, an s3rver with a bucket `data` whose
 * endpoint and credentials are stubbed into the environment, and the images
 * uploaded under `s3://data/images`.
 */
export async function startS3Dataset(name: string, count: number): Promise<S3Dataset> {
  const work = mkdtempSync(path.join(tmpdir(), `fw-${name}-`));
  const images = path.join(work, "images");
  const keys = await writeSyntheticImages(images, { count, perFolder: 100 });
  const server = await startS3Server(["data"]);
  for (const [k, v] of Object.entries(server.env)) vi.stubEnv(k, v);
  const storage = new Storage(readStorageConfig(server.env));
  await uploadFiles(storage.open("s3://data/images"), images, keys);
  return {
    server,
    storage,
    work,
    images,
    keys,
    async close() {
      storage.close();
      await server.stop();
      vi.unstubAllEnvs();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Copies files under `dir` to `store` with the same keys, `concurrency` PUTs at a time. */
export async function uploadFiles(
  store: ObjectStore,
  dir: string,
  keys: readonly string[],
  concurrency = 16,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await store.put(key, readFileSync(path.join(dir, key)));
      }
    }),
  );
}

/**
 * The files as WebDataset tars of `perTar` samples each, in key order
 * (`shard-000000.tar`, ...). Each sample is the image under its own key
 * plus a `.cls` member that the source must ignore.
 */
export function tarShards(
  dir: string,
  keys: readonly string[],
  perTar: number,
): Array<{ name: string; bytes: Uint8Array }> {
  const out: Array<{ name: string; bytes: Uint8Array }> = [];
  for (let s = 0; s * perTar < keys.length; s++) {
    const members = keys.slice(s * perTar, (s + 1) * perTar).flatMap((key) => [
      { name: key.replace(/\.png$/, ".cls"), data: new TextEncoder().encode(String(s)) },
      { name: key, data: new Uint8Array(readFileSync(path.join(dir, key))) },
    ]);
    out.push({ name: `shard-${String(s).padStart(6, "0")}.tar`, bytes: encodeTar(members) });
  }
  return out;
}

/** Fit options as the CLI's defaults make them (core's FIT_DEFAULTS), with `--std`, the js backend and 100-image shards. */
export function fitOptions(
  source: string,
  out: string,
  overrides: Partial<FitOptions> = {},
): FitOptions {
  return {
    ...FIT_DEFAULTS,
    source,
    out,
    flags: { ...FIT_DEFAULTS.flags, featurewiseStdNormalization: true },
    backend: "js",
    imagesPerShard: 100,
    ...overrides,
  };
}
