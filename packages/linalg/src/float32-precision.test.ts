import { describe, expect, it } from "vitest";
import { flatSize, PROFILES, type KerasStatistics } from "@featurewise/core";
import { loadNpy, parityCases, relativeError } from "../../../test/helpers/fixtures.js";
import { DEFAULT_PRECISION } from "./precision.js";
import { fitThroughCore, nativeBackends, syntheticImages, type FitInput } from "./test-support.js";

/** The float32 SYRK path may become the default only if every statistic stays this close to float64. */
const FLOAT32_BUDGET = 1e-6;

// One OpenBLAS thread: the eigh of 3072² is many small synchronised steps, and
// with test files running side by side, spinning OpenBLAS threads slow it down 10×.
const float64 = nativeBackends("float64", 1).find((b) => b.name === "openblas")!;
const float32 = nativeBackends("float32", 1).find((b) => b.name === "openblas")!;

/** Largest relative difference, per statistic, between a float32-SYRK fit and a float64 one. */
async function float32Error(input: FitInput): Promise<Record<string, number>> {
  const a = (await fitThroughCore(input, float64.la!)).stats;
  const b = (await fitThroughCore(input, float32.la!)).stats;
  const out: Record<string, number> = {};
  for (const what of ["channelMean", "channelStd", "whitening"] as const) {
    const x = b[what as keyof KerasStatistics] as Float64Array | null;
    const y = a[what as keyof KerasStatistics] as Float64Array | null;
    if (x !== null && y !== null) out[what] = relativeError(x, y);
  }
  return out;
}

describe("float32 SYRK path (openblas) against float64", () => {
  if (float64.la === null) console.warn(float64.skipReason);
  const worst: Record<string, number> = {};
  const record = (label: string, errors: Record<string, number>): void => {
    console.info(`float32 vs float64, ${label}: ${JSON.stringify(errors)}`);
    for (const [k, v] of Object.entries(errors)) worst[k] = Math.max(worst[k] ?? 0, v);
  };

  it.skipIf(float64.la === null)("on the Keras parity fixtures", async () => {
    for (const c of parityCases()) {
      for (const profile of PROFILES) {
        const x = loadNpy(`${c.dir}x_fit.npy`)!;
        const options = {
          profile,
          rescale: c.rescale,
          zcaEpsilon: c.zcaEpsilon,
          dataFormat: c.dataFormat,
          imageShape: c.imageShape,
        };
        const dim = flatSize(c.imageShape);
        record(
          `${c.name} / ${profile}`,
          await float32Error({ x: x.data, dim, requested: c.requested, options }),
        );
      }
    }
  });

  it.skipIf(float64.la === null)(
    "on 32×32×3 images, ZCA, n = 4000",
    async () => {
      const imageShape = { height: 32, width: 32, channels: 3 };
      const dim = flatSize(imageShape);
      const input: FitInput = {
        x: syntheticImages(4000, 7),
        dim,
        requested: {
          featurewiseCenter: true,
          featurewiseStdNormalization: false,
          zcaWhitening: true,
        },
        options: {
          profile: "keras",
          rescale: 1 / 255,
          zcaEpsilon: 1e-6,
          dataFormat: "channels_last",
          imageShape,
        },
        batchRows: 256,
      };
      record("32x32x3 synthetic, n=4000", await float32Error(input));
    },
    600_000,
  ); // two eigh of 3072²: ~15 s on an idle core, more on a loaded machine

  it.skipIf(float64.la === null)("float32 is the default only if it stays within budget", () => {
    console.info(`float32 vs float64, worst: ${JSON.stringify(worst)} (budget ${FLOAT32_BUDGET})`);
    const withinBudget = Object.values(worst).every((e) => e <= FLOAT32_BUDGET);
    if (DEFAULT_PRECISION === "float32") expect(withinBudget).toBe(true);
    // Mean and std only read the co-moment's diagonal: float32 keeps them well inside the budget.
    expect(worst["channelMean"]!).toBeLessThanOrEqual(FLOAT32_BUDGET);
    expect(worst["channelStd"]!).toBeLessThanOrEqual(FLOAT32_BUDGET);
  });
});
