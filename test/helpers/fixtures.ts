import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  decodeNpy,
  type DataFormat,
  type FitFlags,
  type ImageShape,
  type Profile,
} from "@featurewise/core";

/** The repository's fixtures folder. */
export const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

/** Fixture profile folder names ↔ featurewise profile names. */
export const PROFILE_FILES: Record<Profile, string> = {
  keras: "keras",
  "keras-preprocessing-1.1": "keras_preprocessing_1_1_2",
};

/** One case of fixtures/keras-parity, as case.json describes it. */
export interface ParityCase {
  readonly name: string;
  readonly dir: string;
  readonly dataFormat: DataFormat;
  readonly dtype: "float32" | "float64";
  readonly imageShape: ImageShape;
  readonly requested: FitFlags;
  readonly rescale: number | null;
  readonly zcaEpsilon: number;
}

export function parityCases(): ParityCase[] {
  const dir = `${FIXTURES}keras-parity/`;
  const index = JSON.parse(readFileSync(`${dir}index.json`, "utf8")) as { cases: string[] };
  return index.cases.map((name) => {
    const c = JSON.parse(readFileSync(`${dir}${name}/case.json`, "utf8")) as {
      generator_args: Record<string, unknown>;
      data_format: DataFormat;
      dtype: "float32" | "float64";
      image_shape: [number, number, number];
    };
    const [a, b, d] = c.image_shape;
    const g = c.generator_args;
    return {
      name,
      dir: `${dir}${name}/`,
      dataFormat: c.data_format,
      dtype: c.dtype,
      imageShape:
        c.data_format === "channels_last"
          ? { height: a, width: b, channels: d }
          : { height: b, width: d, channels: a },
      requested: {
        featurewiseCenter: g["featurewise_center"] === true,
        featurewiseStdNormalization: g["featurewise_std_normalization"] === true,
        zcaWhitening: g["zca_whitening"] === true,
      },
      rescale: typeof g["rescale"] === "number" ? g["rescale"] : null,
      zcaEpsilon: typeof g["zca_epsilon"] === "number" ? g["zca_epsilon"] : 1e-6,
    };
  });
}

/** Tolerance of the fixture README: relative to the largest reference value. */
export function parityTolerance(c: ParityCase, profile: Profile): number {
  if (c.dtype === "float32") return 1e-4;
  if (c.name.includes("rankdeficient") && profile !== "keras") return 1e-5;
  return 1e-9;
}

/** Loads an .npy file as float64 values with its shape, or null when absent. */
export function loadNpy(path: string): { data: Float64Array; shape: number[] } | null {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    return null;
  }
  const { data, shape } = decodeNpy(bytes);
  return { data: Float64Array.from(data), shape };
}

/** max|a−b| / max|b|. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return Number.isNaN(err) ? Infinity : err / (scale + 1e-300);
}
