import { describe, expect, it } from "vitest";
import { flatSize, PROFILES, standardizeBatch } from "@featurewise/core";
import {
  loadNpy,
  parityCases,
  parityTolerance,
  PROFILE_FILES,
  relativeError,
} from "../../../test/helpers/fixtures.js";
import { fitThroughCore, nativeBackends, reference } from "./test-support.js";

for (const backend of nativeBackends().filter((b) => b.name !== "tfjs")) {
  describe(`Keras parity on ${backend.name}`, () => {
    if (backend.la === null) console.warn(backend.skipReason);
    for (const c of parityCases()) {
      for (const profile of PROFILES) {
        it.skipIf(backend.la === null)(`${c.name} / ${profile}`, async () => {
          const la = backend.la!;
          const x = loadNpy(`${c.dir}x_fit.npy`)!;
          const dim = flatSize(c.imageShape);
          const input = {
            x: x.data,
            dim,
            requested: c.requested,
            options: {
              profile,
              rescale: c.rescale,
              zcaEpsilon: c.zcaEpsilon,
              dataFormat: c.dataFormat,
              imageShape: c.imageShape,
            },
          };
          const { stats, options } = await fitThroughCore(input, la);
          const js = (await fitThroughCore(input, reference)).stats;
          const tol = parityTolerance(c, profile);
          const ref = (what: string) => loadNpy(`${c.dir}${PROFILE_FILES[profile]}_${what}.npy`);
          const checks: Array<[string, ArrayLike<number> | null, ArrayLike<number> | null]> = [
            ["mean", stats.channelMean, js.channelMean],
            ["std", stats.channelStd, js.channelStd],
            ["zca", stats.whitening, js.whitening],
          ];
          let compared = 0;
          for (const [what, mine, fromJs] of checks) {
            const expected = ref(what);
            if (expected === null) continue;
            expect(mine, what).not.toBeNull();
            expect(relativeError(mine!, expected.data), `${what} vs Keras`).toBeLessThanOrEqual(
              tol,
            );
            expect(relativeError(mine!, fromJs!), `${what} vs js`).toBeLessThanOrEqual(tol);
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
}
