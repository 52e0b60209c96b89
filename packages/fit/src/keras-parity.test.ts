import { describe, expect, it } from "vitest";
import {
  coupleFlags,
  finalizeStatistics,
  flatSize,
  JsLinearAlgebra,
  PROFILES,
  standardizeBatch,
  type ImageShape,
} from "@featurewise/core";
import {
  loadNpy,
  parityCases,
  parityTolerance,
  PROFILE_FILES,
  relativeError,
} from "../../../test/helpers/fixtures.js";
import { BatchAccumulator } from "./batch-accumulator.js";

/**
 * Keras parity of the fit's own math, on the fixtures' arrays: moments
 * through the production path (`BatchAccumulator`, which sums 8-bit pixels
 * and converts with `momentsFromSums`), then core's finalize and standardize.
 * It lives here, not in core, because `BatchAccumulator` is the fit's (jobs)
 * and core imports no other package; `referenceAccumulateBatch` stays in
 * core as the oracle that `momentsFromSums` is checked against.
 */
const la = new JsLinearAlgebra();

/** Image `i` of an (N,H,W,C) or (N,C,H,W) uint8 array, as the HWC pixels a decoder gives. */
function hwcImage(x: Float64Array, i: number, shape: ImageShape, channelsFirst: boolean) {
  const d = flatSize(shape);
  const { height, width, channels } = shape;
  const out = new Uint8Array(d);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < channels; c++) {
      out[p * channels + c] =
        x[i * d + (channelsFirst ? c * height * width + p : p * channels + c)]!;
    }
  }
  return out;
}

describe("Keras parity through the fit's accumulation (BatchAccumulator + momentsFromSums)", () => {
  for (const c of parityCases()) {
    for (const profile of PROFILES) {
      it(`${c.name} / ${profile}`, async () => {
        const x = loadNpy(`${c.dir}x_fit.npy`)!;
        const dim = flatSize(c.imageShape);
        const n = x.data.length / dim;
        expect(x.data.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
        const { effective } = coupleFlags(c.requested);
        const kind = effective.zcaWhitening ? "full" : "diagonal";
        // Uneven batches (37), as a shard's last batch is.
        const acc = new BatchAccumulator(kind, c.imageShape, c.dataFormat, la, 37);
        const channelsFirst = c.dataFormat === "channels_first";
        for (let i = 0; i < n; i++) await acc.add(hwcImage(x.data, i, c.imageShape, channelsFirst));
        const moments = await acc.moments();
        expect(moments.n).toBe(n);
        const options = {
          profile,
          flags: effective,
          rescale: c.rescale,
          zcaEpsilon: c.zcaEpsilon,
          dataFormat: c.dataFormat,
          imageShape: c.imageShape,
        };
        const stats = await finalizeStatistics(moments, options, la);
        const tol = parityTolerance(c, profile);
        const ref = (what: string) => loadNpy(`${c.dir}${PROFILE_FILES[profile]}_${what}.npy`);
        const checks: Array<[string, ArrayLike<number> | null]> = [
          ["mean", stats.channelMean],
          ["std", stats.channelStd],
          ["zca", stats.whitening],
        ];
        let compared = 0;
        for (const [what, mine] of checks) {
          const expected = ref(what);
          if (expected === null) continue;
          expect(mine, what).not.toBeNull();
          expect(relativeError(mine!, expected.data), what).toBeLessThanOrEqual(tol);
          compared++;
        }
        const xt = loadNpy(`${c.dir}x_test.npy`)!;
        const out = await standardizeBatch(
          xt.data,
          xt.data.length / dim,
          { ...options, ...stats },
          la,
        );
        expect(relativeError(out, ref("standardized")!.data)).toBeLessThanOrEqual(tol);
        expect(compared).toBeGreaterThanOrEqual(1);
      });
    }
  }
});
