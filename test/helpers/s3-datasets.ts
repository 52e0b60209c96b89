import { readFileSync } from "node:fs";
import path from "node:path";
import { encodeTar } from "@featurewise/dataset";
import type { FitOptions } from "@featurewise/jobs";
import type { ObjectStore } from "@featurewise/storage";

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

/** Fit options as the CLI's defaults make them, with `--std`. */
export function fitOptions(
  source: string,
  out: string,
  overrides: Partial<FitOptions> = {},
): FitOptions {
  return {
    source,
    out,
    flags: { featurewiseCenter: false, featurewiseStdNormalization: true, zcaWhitening: false },
    profile: "keras",
    rescale: null,
    zcaEpsilon: 1e-6,
    dataFormat: "channels_last",
    decode: { colorMode: "rgb", targetSize: null, interpolation: "nearest" },
    onError: "skip",
    backend: "js",
    maxZcaBytes: 2 * 1024 ** 3,
    imagesPerShard: 100,
    ...overrides,
  };
}
