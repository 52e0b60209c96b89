import { describe, expect, it } from "vitest";
import { JsLinearAlgebra } from "./linalg/index.js";
import { createMoments, momentsFromSums, type MomentsKind } from "./moments.js";
import { referenceAccumulateBatch } from "./reference-moments.js";

/** n images of dim 8-bit values; position 0 is constant (a null direction of the co-moment). */
function pixels(n: number, dim: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n * dim }, (_, i) => {
    if (i % dim === 0) return 77;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  });
}

/** Σx and Σxxᵀ (lower) or Σx², as plain sums. */
function sums(x: Float64Array, n: number, dim: number, kind: MomentsKind) {
  const sum = new Float64Array(dim);
  const products = new Float64Array(kind === "full" ? dim * dim : dim);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) {
      const xi = x[r * dim + i]!;
      sum[i]! += xi;
      if (kind === "diagonal") products[i]! += xi * xi;
      else for (let j = 0; j <= i; j++) products[i * dim + j]! += xi * x[r * dim + j]!;
    }
  }
  return { sum, products };
}

/** The exact co-moment entry (n·Σxᵢxⱼ − ΣxᵢΣxⱼ)/n, rounded once, from BigInt arithmetic. */
function exactEntry(n: number, sxx: number, si: number, sj: number): number {
  const num = BigInt(n) * BigInt(sxx) - BigInt(si) * BigInt(sj);
  return Number(num) / n; // num < 2^53 here, so Number(num) is exact
}

describe("momentsFromSums", () => {
  const n = 300;
  const dim = 7;
  const x = pixels(n, dim, 5);

  for (const kind of ["full", "diagonal"] as const) {
    it(`${kind}: correctly rounded entries, exact zeros for a constant position`, () => {
      const { sum, products } = sums(x, n, dim, kind);
      const raw = products.slice();
      const m = momentsFromSums(kind, dim, n, sum, products);
      expect(m.n).toBe(n);
      expect(m.comoment).toBe(products); // converted in place
      for (let i = 0; i < dim; i++) {
        expect(m.mean[i]).toBe(sum[i]! / n);
        for (let j = 0; j <= (kind === "full" ? i : 0); j++) {
          const at = kind === "full" ? i * dim + j : i;
          const jj = kind === "full" ? j : i;
          expect(m.comoment[at]).toBe(exactEntry(n, raw[at]!, sum[i]!, sum[jj]!));
        }
      }
      expect(m.comoment[0]).toBe(0);
    });

    it(`${kind}: agrees with referenceAccumulateBatch (centred batches) to 1e-13`, async () => {
      const { sum, products } = sums(x, n, dim, kind);
      const fromSums = momentsFromSums(kind, dim, n, sum, products);
      const centred = createMoments(kind, dim);
      await referenceAccumulateBatch(centred, x.slice(), n, new JsLinearAlgebra());
      const scale = Math.max(...centred.comoment.map(Math.abs));
      for (let k = 0; k < centred.comoment.length; k++) {
        if (kind === "full" && k % dim > Math.floor(k / dim)) continue; // upper triangle: unused
        expect(Math.abs(fromSums.comoment[k]! - centred.comoment[k]!)).toBeLessThan(1e-13 * scale);
      }
    });
  }

  it("n = 0 gives empty moments; mismatched lengths are refused", () => {
    const m = momentsFromSums("full", 2, 0, new Float64Array(2), new Float64Array(4).fill(3));
    expect(m.n).toBe(0);
    expect([...m.comoment]).toEqual([0, 0, 0, 0]);
    expect(() => momentsFromSums("full", 2, 1, new Float64Array(2), new Float64Array(2))).toThrow(
      /expected 2 sums and 4 products/,
    );
  });
});
