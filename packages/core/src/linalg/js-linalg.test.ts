import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { JsLinearAlgebra } from "./js-linalg.js";
import type { LinearAlgebra } from "./linear-algebra.js";
import { naiveGemm, randomNormal, seededRandom, transpose } from "./test-support.js";

const la: LinearAlgebra = new JsLinearAlgebra();

/** Naive lower-triangle syrk, C[i][j] = alpha·Σ_r A[r][i]A[r][j] + beta·C[i][j] for i >= j. */
function naiveSyrk(
  a: Float64Array,
  k: number,
  n: number,
  c: Float64Array,
  alpha: number,
  beta: number,
): Float64Array {
  const out = c.slice();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += a[r * n + i]! * a[r * n + j]!;
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]!);
    }
  }
  return out;
}

function maxRelDiff(x: Float64Array, y: Float64Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return worst / (scale || 1);
}

describe("JsLinearAlgebra", () => {
  it("is named js", () => {
    expect(la.name).toBe("js");
  });

  describe("syrk", () => {
    it.each([
      [1, 1, 1, 0],
      [3, 5, 1, 0],
      [7, 4, 2.5, 1],
      [10, 9, -1, 0.5],
      [300, 13, 1, 1], // more rows than one transposed chunk
      [0, 6, 1, 2],
      [5, 0, 1, 1],
      [64, 37, 0.25, -3],
    ])(
      "k=%i n=%i alpha=%d beta=%d matches the naive loop, upper triangle untouched",
      async (k, n, alpha, beta) => {
        const rand = seededRandom(k * 100 + n);
        const a = randomNormal(rand, k * n);
        const c = randomNormal(rand, n * n);
        const expected = naiveSyrk(a, k, n, c, alpha, beta);
        const got = c.slice();
        await la.syrk(a, k, n, got, alpha, beta);
        expect(maxRelDiff(got, expected)).toBeLessThan(1e-13);
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++) expect(got[i * n + j]).toBe(c[i * n + j]);
      },
    );

    it("beta = 0 clears NaN in C; alpha = 0 only scales", async () => {
      const c = new Float64Array([NaN, 7, NaN, NaN]);
      await la.syrk(new Float64Array([1, 2]), 1, 2, c, 1, 0);
      expect(Array.from(c)).toEqual([1, 7, 2, 4]);
      const d = new Float64Array([1, 9, 2, 3]);
      await la.syrk(new Float64Array([NaN, NaN]), 1, 2, d, 0, 2);
      expect(Array.from(d)).toEqual([2, 9, 4, 6]);
    });

    it("uses the first k·n values of a longer batch buffer", async () => {
      const a = new Float64Array([1, 2, 3, 4, 99, 99]);
      const c = new Float64Array(4);
      await la.syrk(a, 2, 2, c, 1, 0);
      expect(Array.from(c)).toEqual([10, 0, 14, 20]);
    });

    it("rejects bad sizes with INVALID_ARGUMENT", async () => {
      const err = await la
        .syrk(new Float64Array(3), 2, 2, new Float64Array(4), 1, 0)
        .catch((e: unknown) => e);
      expect(isFeaturewiseError(err, "INVALID_ARGUMENT")).toBe(true);
      const err2 = await la
        .syrk(new Float64Array(4), 2, 2, new Float64Array(5), 1, 0)
        .catch((e: unknown) => e);
      expect(isFeaturewiseError(err2, "INVALID_ARGUMENT")).toBe(true);
    });

    it("speed: k=256, n=1024", async () => {
      const k = 256;
      const n = 1024;
      const a = randomNormal(seededRandom(9), k * n);
      const c = new Float64Array(n * n);
      await la.syrk(a, k, n, c, 1, 0); // warm-up
      const t = performance.now();
      await la.syrk(a, k, n, c, 1, 0);
      const s = (performance.now() - t) / 1000;
      const gflops = (k * n * (n + 1)) / s / 1e9;
      console.log(
        `syrk (js) k=${k} n=${n}: ${(s * 1000).toFixed(0)} ms, ${gflops.toFixed(2)} GFLOP/s`,
      );
      let c53 = 0;
      for (let r = 0; r < k; r++) c53 += a[r * n + 5]! * a[r * n + 3]!;
      expect(c[5 * n + 3]).toBeCloseTo(c53, 10);
    });
  });

  describe("gemm", () => {
    it.each([
      [1, 1, 1],
      [2, 3, 4],
      [17, 9, 5],
      [5, 0, 3],
      [33, 40, 600], // crosses a column panel
    ])("m=%i k=%i n=%i matches the naive loop", async (m, k, n) => {
      const rand = seededRandom(m * 7 + k * 3 + n);
      const a = randomNormal(rand, m * k);
      const b = randomNormal(rand, k * n);
      const c = await la.gemm(a, b, m, k, n);
      expect(c.length).toBe(m * n);
      expect(maxRelDiff(c, naiveGemm(a, b, m, k, n))).toBeLessThan(1e-13);
    });

    it("rejects bad sizes with INVALID_ARGUMENT", async () => {
      const err = await la
        .gemm(new Float64Array(5), new Float64Array(6), 2, 3, 2)
        .catch((e: unknown) => e);
      expect(isFeaturewiseError(err, "INVALID_ARGUMENT")).toBe(true);
    });
  });

  describe("eigh", () => {
    it("returns descending values and unit row eigenvectors (A·v = λ·v)", async () => {
      const n = 12;
      const b = randomNormal(seededRandom(4), n * n);
      const a = naiveGemm(transpose(b, n, n), b, n, n, n);
      const { values, vectors } = await la.eigh(a, n);
      for (let i = 0; i < n; i++) {
        const v = vectors.subarray(i * n, i * n + n);
        const av = naiveGemm(a, v, n, n, 1);
        for (let k = 0; k < n; k++)
          expect(Math.abs(av[k]! - values[i]! * v[k]!)).toBeLessThan(1e-12 * values[0]!);
        if (i > 0) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
      }
    });

    it("rejects a non-finite matrix", async () => {
      const err = await la.eigh(new Float64Array([Infinity]), 1).catch((e: unknown) => e);
      expect(isFeaturewiseError(err, "INVALID_ARGUMENT")).toBe(true);
    });
  });
});
