// The Keras parity fixtures (fixtures/keras-parity) fitted through core on a
// given backend, compared with Keras' values and with the js backend's.
// Plain-JS twin of test/helpers/fixtures.ts + packages/linalg/src/keras-parity.test.ts,
// for machines without the TypeScript toolchain.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  referenceAccumulateBatch,
  coupleFlags,
  createMoments,
  decodeNpy,
  finalizeStatistics,
  flatSize,
  PROFILES,
  standardizeBatch,
} from "@featurewise/core";

const PROFILE_FILES = { keras: "keras", "keras-preprocessing-1.1": "keras_preprocessing_1_1_2" };

function loadNpy(path) {
  if (!existsSync(path)) return null;
  return Float64Array.from(decodeNpy(new Uint8Array(readFileSync(path))).data);
}

function relErr(a, b) {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return Number.isNaN(err) || a.length !== b.length ? Infinity : err / (scale + 1e-300);
}

async function fit(x, dim, requested, base, la) {
  const { effective } = coupleFlags(requested);
  const moments = createMoments(effective.zcaWhitening ? "full" : "diagonal", dim);
  const n = x.length / dim;
  for (let start = 0; start < n; start += 37) {
    const rows = Math.min(37, n - start);
    await referenceAccumulateBatch(moments, x.slice(start * dim, (start + rows) * dim), rows, la);
  }
  const options = { ...base, flags: effective };
  return { stats: await finalizeStatistics(moments, options, la), options };
}

/**
 * Checks every fixture case and profile on `la`; `report(label, error, limit)` prints each result.
 * @returns the number of failed comparisons (0 when the fixtures are absent)
 */
export async function checkParityFixtures(repoRoot, la, js, report) {
  const dir = join(repoRoot, "fixtures/keras-parity");
  if (!existsSync(join(dir, "index.json"))) {
    console.log(`(no Keras parity fixtures under ${dir}: skipped)`);
    return 0;
  }
  let failures = 0;
  const check = (label, error, limit) => {
    if (!(error <= limit)) failures++;
    report(label, error, limit);
  };
  for (const name of JSON.parse(readFileSync(join(dir, "index.json"), "utf8")).cases) {
    const c = JSON.parse(readFileSync(join(dir, name, "case.json"), "utf8"));
    const g = c.generator_args;
    const [a, b, d] = c.image_shape;
    const imageShape =
      c.data_format === "channels_last"
        ? { height: a, width: b, channels: d }
        : { height: b, width: d, channels: a };
    const requested = {
      featurewiseCenter: g.featurewise_center === true,
      featurewiseStdNormalization: g.featurewise_std_normalization === true,
      zcaWhitening: g.zca_whitening === true,
    };
    const x = loadNpy(join(dir, name, "x_fit.npy"));
    const dim = flatSize(imageShape);
    for (const profile of PROFILES) {
      const base = {
        profile,
        rescale: typeof g.rescale === "number" ? g.rescale : null,
        zcaEpsilon: typeof g.zca_epsilon === "number" ? g.zca_epsilon : 1e-6,
        dataFormat: c.data_format,
        imageShape,
      };
      const tol =
        c.dtype === "float32"
          ? 1e-4
          : name.includes("rankdeficient") && profile !== "keras"
            ? 1e-5
            : 1e-9;
      const mine = await fit(x, dim, requested, base, la);
      const ref = await fit(x, dim, requested, base, js);
      const file = (what) => join(dir, name, `${PROFILE_FILES[profile]}_${what}.npy`);
      for (const [what, key] of [
        ["mean", "channelMean"],
        ["std", "channelStd"],
        ["zca", "whitening"],
      ]) {
        const expected = loadNpy(file(what));
        if (expected === null) continue;
        check(
          `parity ${name}/${profile} ${what} vs Keras`,
          relErr(mine.stats[key] ?? [], expected),
          tol,
        );
        check(
          `parity ${name}/${profile} ${what} vs js`,
          relErr(mine.stats[key] ?? [], ref.stats[key]),
          tol,
        );
      }
      const xt = loadNpy(join(dir, name, "x_test.npy"));
      const out = await standardizeBatch(
        xt,
        xt.length / dim,
        { ...mine.options, ...mine.stats },
        la,
      );
      check(
        `parity ${name}/${profile} standardized vs Keras`,
        relErr(out, loadNpy(file("standardized"))),
        tol,
      );
    }
  }
  return failures;
}
