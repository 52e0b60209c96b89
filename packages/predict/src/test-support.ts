/** Reading the fixture models of fixtures/models (built by make_models.py) in tests. */
import { readFileSync } from "node:fs";
import { decodeNpy, type ImageShape } from "@featurewise/core";
import type { InputLayout } from "./model-input.js";

/** fixtures/models, from this file (src/ or dist/). */
export const MODELS_DIR = new URL("../../../fixtures/models/", import.meta.url);

/** The committed fixture models. */
export const FIXTURE_MODELS = [
  "cifar-cnn",
  "nchw-cnn",
  "gray-cnn",
  "two-outputs",
  "graph-mlp",
] as const;

/** One fixture model's reference: its input batch and torch's outputs. */
export interface FixtureReference {
  readonly folder: string;
  readonly layout: InputLayout;
  readonly image: ImageShape;
  readonly input: { readonly data: Float32Array; readonly dims: number[] };
  readonly expected: ReadonlyMap<string, { readonly data: Float32Array; readonly dims: number[] }>;
}

/** Reads fixtures/models/<name>/{reference.json,input.npy,expected.*.npy}. */
export function readFixture(name: string): FixtureReference {
  const folder = new URL(`${name}/`, MODELS_DIR);
  const ref = JSON.parse(readFileSync(new URL("reference.json", folder), "utf8")) as {
    input: { layout: InputLayout };
    outputs: Record<string, number[]>;
  };
  const npy = (file: string) => {
    const a = decodeNpy(readFileSync(new URL(file, folder)));
    return { data: Float32Array.from(a.data), dims: [...a.shape] };
  };
  const input = npy("input.npy");
  const [, a, b, c] = input.dims as [number, number, number, number];
  const image =
    ref.input.layout === "NHWC"
      ? { height: a, width: b, channels: c }
      : { height: b, width: c, channels: a };
  const expected = new Map(Object.keys(ref.outputs).map((o) => [o, npy(`expected.${o}.npy`)]));
  return { folder: folder.pathname, layout: ref.input.layout, image, input, expected };
}

/** The largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
