import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROFILES, flatSize } from "@featurewise/core";
import { runCliOk } from "./helpers/cli.js";
import {
  loadNpy,
  parityCases,
  parityTolerance,
  PROFILE_FILES,
  relativeError,
} from "./helpers/fixtures.js";
import { writeBatchAsPngs } from "./helpers/pngs.js";

/**
 * Keras parity end to end: PNGs written from each fixture's x_fit go through
 * `featurewise fit`, x_test through `featurewise transform --dtype float64`.
 */
describe("Keras parity through the featurewise CLI", () => {
  const work = mkdtempSync(path.join(tmpdir(), "fw-cli-parity-"));
  const cases = parityCases();

  beforeAll(async () => {
    for (const c of cases) {
      const dims: [number, number, number] =
        c.dataFormat === "channels_last"
          ? [c.imageShape.height, c.imageShape.width, c.imageShape.channels]
          : [c.imageShape.channels, c.imageShape.height, c.imageShape.width];
      for (const part of ["fit", "test"]) {
        await writeBatchAsPngs(
          loadNpy(`${c.dir}x_${part}.npy`)!.data,
          dims,
          c.dataFormat,
          `${work}/${c.name}/${part}`,
        );
      }
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const c of cases) {
    for (const profile of PROFILES) {
      it(`${c.name} / ${profile}`, async () => {
        const out = `${work}/${c.name}/out-${profile}`;
        const colorMode = { 1: "grayscale", 3: "rgb", 4: "rgba" }[c.imageShape.channels]!;
        const args = ["fit", `${work}/${c.name}/fit`, "--out", out, "--profile", profile];
        args.push("--data-format", c.dataFormat, "--color-mode", colorMode, "--json");
        if (c.requested.featurewiseCenter) args.push("--center");
        if (c.requested.featurewiseStdNormalization) args.push("--std");
        if (c.requested.zcaWhitening) args.push("--zca", "--zca-epsilon", String(c.zcaEpsilon));
        if (c.rescale !== null) args.push("--rescale", String(c.rescale));
        const fit = JSON.parse((await runCliOk(args)).stdout) as { n: number; skipped: number };
        const nFit = loadNpy(`${c.dir}x_fit.npy`)!.data.length / flatSize(c.imageShape);
        expect(fit).toMatchObject({ n: nFit, skipped: 0 });
        await runCliOk([
          "transform",
          `${work}/${c.name}/test`,
          "--stats",
          out,
          "--dtype",
          "float64",
          "--out",
          `${out}/t.npy`,
        ]);

        const tol = parityTolerance(c, profile);
        const pairs = [
          ["mean.npy", "mean"],
          ["std.npy", "std"],
          ["zca_whitening_matrix.npy", "zca"],
          ["t.npy", "standardized"],
        ];
        let compared = 0;
        for (const [mine, ref] of pairs) {
          const expected = loadNpy(`${c.dir}${PROFILE_FILES[profile]}_${ref}.npy`);
          if (expected === null) continue;
          const got = loadNpy(`${out}/${mine}`);
          expect(got, mine).not.toBeNull();
          expect(got!.shape.reduce((a, b) => a * b, 1)).toBe(expected.data.length);
          expect(relativeError(got!.data, expected.data), mine).toBeLessThanOrEqual(tol);
          compared++;
        }
        expect(compared).toBeGreaterThanOrEqual(3);
      });
    }
  }
});
