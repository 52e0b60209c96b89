import { selectBackend } from "@featurewise/pipeline";
import { describe, expect, it } from "vitest";
import { whiteningSpectrum } from "./whitening-spectrum.js";

const la = selectBackend("js").la;

/** A random orthonormal basis (rows) of size d: the eigenvectors of a random symmetric matrix. */
async function randomBasis(d: number, seed: number): Promise<Float64Array> {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) a[i * d + j] = a[j * d + i] = next();
  return (await la.eigh(a, d)).vectors;
}

/** W = Σ uᵢuᵢᵀ·wᵢ. */
function compose(u: Float64Array, w: readonly number[]): Float64Array {
  const d = w.length;
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) out[i * d + j]! += w[k]! * u[k * d + i]! * u[k * d + j]!;
  return out;
}

describe("whiteningSpectrum", () => {
  const s = [4, 0.5, 0.02, 3e-4, 1e-5, 2e-7];
  const d = s.length;

  it("keras: recovers s = λ/n from W = Σ uuᵀ·√n/(√λ+ε), dropping the directions W gives 0", async () => {
    const n = 4;
    const eps = 1e-6;
    // Keras keeps min(n, D) = 4 directions; the last two get 0.
    const w = s.map((v, i) => (i < n ? Math.sqrt(n) / (Math.sqrt(v * n) + eps) : 0));
    const { values } = await la.eigh(compose(await randomBasis(d, 7), w), d);
    const got = whiteningSpectrum(values, "keras", n, eps);
    expect(got.dropped).toBe(2);
    expect(got.values).toHaveLength(4);
    got.values.forEach((v, i) => expect(Math.abs(v - s[i]!) / s[i]!).toBeLessThan(1e-8));
    expect(got.epsilonLevel).toBeCloseTo((eps * eps) / n, 20);
  });

  it("keras-preprocessing-1.1: recovers s from W = Σ uuᵀ/√(s+ε), largest first", async () => {
    const eps = 1e-6;
    const w = s.map((v) => 1 / Math.sqrt(v + eps));
    const { values } = await la.eigh(compose(await randomBasis(d, 11), w), d);
    const got = whiteningSpectrum(values, "keras-preprocessing-1.1", 100, eps);
    expect(got.dropped).toBe(0);
    got.values.forEach((v, i) => expect(Math.abs(v - s[i]!) / s[i]!).toBeLessThan(1e-6));
    expect(got.epsilonLevel).toBe(eps);
    expect(got.epsilonMeaning).toMatch(/added to s/);
  });

  it("keeps an s that rounding pushes below 0 at 0", () => {
    const eps = 0.1;
    // 1/√(0+ε) with a last-digit error: 1/w² − ε is a tiny negative.
    const got = whiteningSpectrum([1 / Math.sqrt(eps) + 1e-12], "keras-preprocessing-1.1", 1, eps);
    expect(got.values[0]).toBe(0);
  });
});
