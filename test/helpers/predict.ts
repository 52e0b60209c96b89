/** Reading predict's fixtures (fixtures/models/*, images/) and its output folders in tests. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { decodeKeysJsonl, decodeNpy } from "@featurewise/core";

/** fixtures/models. */
export const MODELS = fileURLToPath(new URL("../../fixtures/models/", import.meta.url));

/** A fixture model's PNGs and torch's outputs for them (make_image_references.py). */
export interface ImageFixture {
  readonly model: string;
  readonly images: string;
  readonly keys: readonly string[];
  readonly colorMode: "rgb" | "grayscale";
  readonly expected: ReadonlyMap<string, Float32Array>;
}

/** The fixture models whose input is an image (graph-mlp takes 2 channels, which no image has). */
export const IMAGE_MODELS = ["cifar-cnn", "nchw-cnn", "gray-cnn", "two-outputs"] as const;

export function imageFixture(name: string): ImageFixture {
  const folder = path.join(MODELS, name);
  const ref = JSON.parse(readFileSync(path.join(folder, "images.reference.json"), "utf8")) as {
    images: string;
    keys: string[];
    colorMode: "rgb" | "grayscale";
  };
  const outputs = name === "two-outputs" ? ["probs", "embedding"] : ["probs"];
  const expected = new Map(
    outputs.map((o) => [
      o,
      Float32Array.from(
        decodeNpy(readFileSync(path.join(folder, `images.expected.${o}.npy`))).data,
      ),
    ]),
  );
  return {
    model: folder,
    images: path.join(MODELS, ref.images),
    keys: ref.keys,
    colorMode: ref.colorMode,
    expected,
  };
}

/** A manifest's parsed JSON. */
export interface ManifestJson {
  n: number;
  format: string;
  columns: { name: string }[];
  parts: { part: number; rows: number; files: { name: string; sha256: string }[] }[];
  skipped: { count: number; items: { key: string; reason: string }[] };
  model: { runtime: string; device: string; reason: string; sha256: string };
  timings: unknown;
  [k: string]: unknown;
}

export function readManifest(out: string): ManifestJson {
  return JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8")) as ManifestJson;
}

/** The manifest's text without its timings: what must be the same for the same run. */
export function manifestWithoutTimings(out: string): string {
  const m = readManifest(out);
  delete (m as { timings?: unknown }).timings;
  return JSON.stringify(m);
}

/** Every part of an `--format npy` output, concatenated in part order: keys and each output's values. */
export function readNpyOutput(out: string): { keys: string[]; outputs: Map<string, Float32Array> } {
  const m = readManifest(out);
  const names = m.columns.map((c) => c.name).filter((c) => c !== "key" && !c.startsWith("top_k_"));
  const keys: string[] = [];
  const chunks = new Map<string, number[]>(names.map((n) => [n, []]));
  for (const part of m.parts) {
    const base = `part-${String(part.part).padStart(6, "0")}`;
    const keysFile = path.join(out, `${base}.keys.jsonl`);
    keys.push(...decodeKeysJsonl(readFileSync(keysFile), keysFile));
    for (const name of names) {
      const file = names.length === 1 ? `${base}.npy` : `${base}.${name}.npy`;
      const a = decodeNpy(readFileSync(path.join(out, file)));
      chunks.get(name)!.push(...a.data);
    }
  }
  return { keys, outputs: new Map([...chunks].map(([k, v]) => [k, Float32Array.from(v)])) };
}

/** The largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
