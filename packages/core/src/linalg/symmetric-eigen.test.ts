import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { symmetricEigen } from "./symmetric-eigen.js";
import {
  frobenius,
  fromEigen,
  naiveGemm,
  randomOrthogonal,
  randomSpd,
  seededRandom,
  transpose,
} from "./test-support.js";

/** ‖A − VᵀΛV‖/‖A‖, ‖VVᵀ − I‖, and whether the values descend. */
function check(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const { values, vectors } = symmetricEigen(a, n);
  expect(values.length).toBe(n);
  expect(vectors.length).toBe(n * n);
  const recon = fromEigen(values, vectors, n);
  const diff = recon.map((v, i) => v - a[i]!);
  const scale = frobenius(a) || 1;
  expect(frobenius(diff) / scale).toBeLessThan(1e-12);
  const gram = naiveGemm(vectors, transpose(vectors, n, n), n, n, n);
  for (let i = 0; i < n; i++) gram[i * n + i]! -= 1;
  expect(frobenius(gram)).toBeLessThan(1e-12);
  for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
  for (let i = 0; i < n; i++) {
    const norm = frobenius(vectors.subarray(i * n, i * n + n));
    expect(Math.abs(norm - 1)).toBeLessThan(1e-13);
  }
  return { values, vectors };
}

describe("symmetricEigen (tred2 + tql2)", () => {
  it.each([1, 2, 5, 50, 200])("random SPD n=%i: reconstruction, orthogonality, order", (n) => {
    const a = randomSpd(n, seededRandom(1000 + n));
    const { values } = check(a, n);
    expect(values[n - 1]!).toBeGreaterThan(0);
  });

  it("reads only the lower triangle and does not modify its input", () => {
    const n = 6;
    const a = randomSpd(n, seededRandom(7));
    const lower = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) lower[i * n + j] = 1e6 * (i + j);
    const before = lower.slice();
    const full = symmetricEigen(a, n);
    const fromLower = symmetricEigen(lower, n);
    expect(lower).toEqual(before);
    expect(fromLower.values).toEqual(full.values);
    expect(fromLower.vectors).toEqual(full.vectors);
  });

  it("1×1", () => {
    expect(symmetricEigen(new Float64Array([-4.5]), 1)).toEqual({
      values: new Float64Array([-4.5]),
      vectors: new Float64Array([1]),
    });
  });

  it("0×0", () => {
    expect(symmetricEigen(new Float64Array(0), 0).values.length).toBe(0);
  });

  it("diagonal matrix: values sorted, vectors are unit axes", () => {
    const diag = [3, -1, 7, 0, 2];
    const n = diag.length;
    const a = new Float64Array(n * n);
    diag.forEach((v, i) => (a[i * n + i] = v));
    const { values, vectors } = check(a, n);
    expect(Array.from(values)).toEqual([7, 3, 2, 0, -1]);
    [2, 0, 4, 3, 1].forEach((axis, row) => {
      for (let k = 0; k < n; k++) expect(vectors[row * n + k]).toBe(k === axis ? 1 : 0);
    });
  });

  it("known spectrum with repeated eigenvalues", () => {
    const n = 8;
    const spectrum = [5, 5, 5, 2, 2, -1, -1, -1];
    const a = fromEigen(spectrum, randomOrthogonal(n, seededRandom(11)), n);
    const { values } = check(a, n);
    values.forEach((v, i) => expect(Math.abs(v - spectrum[i]!)).toBeLessThan(1e-13));
  });

  it("rank-deficient PSD matrix has (numerically) zero eigenvalues", () => {
    const n = 30;
    const rank = 7;
    const rand = seededRandom(5);
    const b = new Float64Array(rank * n).map(() => rand() - 0.5);
    const a = naiveGemm(transpose(b, rank, n), b, n, rank, n);
    const { values } = check(a, n);
    const tol = 1e-13 * values[0]!;
    for (let i = 0; i < rank; i++) expect(values[i]!).toBeGreaterThan(tol);
    for (let i = rank; i < n; i++) expect(Math.abs(values[i]!)).toBeLessThan(tol);
  });

  it("agrees with the 2×2 closed form", () => {
    const [p, q, r] = [2, 1, 3]; // [[2,1],[1,3]]
    const { values } = symmetricEigen(new Float64Array([p, q, q, r]), 2);
    const mid = (p + r) / 2;
    const rad = Math.hypot((p - r) / 2, q);
    expect(values[0]).toBeCloseTo(mid + rad, 14);
    expect(values[1]).toBeCloseTo(mid - rad, 14);
  });

  it("zero matrix and a matrix with widely varying scales", () => {
    check(new Float64Array(16), 4);
    const n = 20;
    const spectrum = Array.from({ length: n }, (_, i) => 10 ** (8 - i));
    const { values } = check(fromEigen(spectrum, randomOrthogonal(n, seededRandom(3)), n), n);
    expect(Math.abs(values[0]! - 1e8) / 1e8).toBeLessThan(1e-13);
  });

  it("rejects bad arguments", () => {
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isFeaturewiseError(err, "INVALID_ARGUMENT");
      }
      return false;
    };
    expect(bad(() => symmetricEigen(new Float64Array(3), 2))).toBe(true);
    expect(bad(() => symmetricEigen(new Float64Array(4), -2))).toBe(true);
    expect(bad(() => symmetricEigen(new Float64Array([1, 0, NaN, 1]), 2))).toBe(true);
  });

  it("timing: n=500", () => {
    const n = 500;
    const a = randomSpd(n, seededRandom(500));
    const t = performance.now();
    const { values, vectors } = symmetricEigen(a, n);
    const ms = performance.now() - t;
    console.log(`eigh (js) n=${n}: ${ms.toFixed(0)} ms`);
    const recon = fromEigen(values, vectors, n).map((v, i) => v - a[i]!);
    expect(frobenius(recon) / frobenius(a)).toBeLessThan(1e-12);
  });
});
