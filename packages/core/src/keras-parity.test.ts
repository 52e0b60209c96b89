import { describe, expect, it } from "vitest";
import {
  accumulateBatch,
  coupleFlags,
  createMoments,
  finalizeStatistics,
  flatSize,
  JsLinearAlgebra,
  PROFILES,
  standardizeBatch,
} from "./index.js";
import {
  loadNpy,
  parityCases,
  parityTolerance,
  PROFILE_FILES,
  relativeError,
} from "../../../test/helpers/fixtures.js";

const la = new JsLinearAlgebra();

describe("Keras parity through the core API", () => {
  for (const c of parityCases()) {
    for (const profile of PROFILES) {
      it(`${c.name} / ${profile}`, async () => {
        const x = loadNpy(`${c.dir}x_fit.npy`)!;
        const dim = flatSize(c.imageShape);
        const n = x.data.length / dim;
        const { effective } = coupleFlags(c.requested);
        const moments = createMoments(effective.zcaWhitening ? "full" : "diagonal", dim);
        // Uneven batches, to exercise the merge of batch moments.
        for (let start = 0; start < n; start += 37) {
          const rows = Math.min(37, n - start);
          await accumulateBatch(moments, x.data.slice(start * dim, (start + rows) * dim), rows, la);
        }
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
