import { describe, expect, it } from "vitest";
import {
  ErrorCodes,
  isFeaturewiseError,
  PIXEL_SYRK_MAX_ROWS,
  type LinearAlgebra,
} from "@featurewise/core";
import {
  nativeBackends,
  randomNormal,
  randomSpd,
  reference,
  relativeError,
  seededRandom,
} from "./test-support.js";

/** W = Σ wᵢ uᵢuᵢᵀ with wᵢ = 1/√(λᵢ + ε), built from `la`'s eigh with `la`'s SYRK, as core's finalize does. */
async function whitening(la: LinearAlgebra, a: Float64Array, n: number): Promise<Float64Array> {
  const { values, vectors } = await la.eigh(a, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(1 / Math.sqrt(Math.max(values[i]!, 0) + 1e-6));
    for (let j = 0; j < n; j++) v[i * n + j] = vectors[i * n + j]! * s;
  }
  const w = new Float64Array(n * n);
  await la.syrk(v, n, n, w, 1, 0);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) w[j * n + i] = w[i * n + j]!;
  return w;
}

for (const backend of nativeBackends()) {
  describe(`${backend.name} agrees with js`, () => {
    const la = backend.la!;
    if (backend.la === null) console.warn(backend.skipReason);

    it.skipIf(backend.la === null).each([
      [1, 1, 1, 0],
      [3, 5, 1, 0],
      [7, 4, 2.5, 1],
      [10, 9, -1, 0.5],
      [300, 13, 1, 1],
      [0, 6, 1, 2],
      [5, 0, 1, 1],
      [64, 37, 0.25, -3],
      [256, 300, 1, 1],
    ])("syrk k=%i n=%i alpha=%d beta=%d; upper triangle untouched", async (k, n, alpha, beta) => {
      const rand = seededRandom(k * 1000 + n);
      const a = randomNormal(rand, k * n);
      const c = randomNormal(rand, n * n);
      const expected = c.slice();
      await reference.syrk(a, k, n, expected, alpha, beta);
      const got = c.slice();
      await la.syrk(a, k, n, got, alpha, beta);
      expect(relativeError(got, expected)).toBeLessThan(1e-13);
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) expect(got[i * n + j]).toBe(c[i * n + j]);
    });

    it.skipIf(backend.la === null).each([
      [1, 3],
      [256, 300],
      [100, 65],
    ])("syrkPixels k=%i n=%i of 8-bit values equals float64 SYRK bit for bit", async (k, n) => {
      const rand = seededRandom(k + n);
      // Mostly 255s: the largest sums a pixel batch can reach, where float32 would first round.
      const a = Float64Array.from({ length: k * n }, () =>
        rand() < 0.8 ? 255 : Math.floor(rand() * 256),
      );
      const c = Float64Array.from({ length: n * n }, (_, i) => i * 65025);
      const expected = c.slice();
      await reference.syrk(a, k, n, expected, 1, 1);
      const got = c.slice();
      await la.syrkPixels!(a, k, n, got);
      expect(got).toEqual(expected);
    });

    it.skipIf(backend.la === null)(
      "syrkPixels refuses more rows than float32 sums exactly",
      async () => {
        const n = 2;
        const k = PIXEL_SYRK_MAX_ROWS + 1;
        await expect(
          la.syrkPixels!(new Float64Array(k * n), k, n, new Float64Array(4)),
        ).rejects.toThrow(/k = 257 rows, at most 256/);
      },
    );

    it.skipIf(backend.la === null)(
      "syrk: beta = 0 clears NaN; a subarray batch is read from its offset",
      async () => {
        const c = new Float64Array([NaN, 7, NaN, NaN]);
        await la.syrk(new Float64Array([1, 2]), 1, 2, c, 1, 0);
        expect(Array.from(c)).toEqual([1, 7, 2, 4]);
        const buffer = new Float64Array([99, 99, 1, 2, 3, 4, 99]);
        const d = new Float64Array(4);
        await la.syrk(buffer.subarray(2), 2, 2, d, 1, 0);
        expect(Array.from(d)).toEqual([10, 0, 14, 20]);
      },
    );

    it.skipIf(backend.la === null)(
      "syrk rejects a wrong-sized C before any native call",
      async () => {
        const err = await la
          .syrk(new Float64Array(6), 2, 3, new Float64Array(8), 1, 1)
          .catch((e: unknown) => e);
        expect(isFeaturewiseError(err, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
        const err2 = await la
          .syrk(new Float64Array(5), 2, 3, new Float64Array(9), 1, 1)
          .catch((e: unknown) => e);
        expect(isFeaturewiseError(err2, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
      },
    );

    it.skipIf(backend.la === null)(
      "concurrent syrk calls into one accumulator all land",
      async () => {
        const rand = seededRandom(5);
        const n = 50;
        const batches = Array.from({ length: 4 }, () => randomNormal(rand, 30 * n));
        const expected = new Float64Array(n * n);
        for (const b of batches) await reference.syrk(b, 30, n, expected, 1, 1);
        const got = new Float64Array(n * n);
        await Promise.all(batches.map((b) => la.syrk(b, 30, n, got, 1, 1)));
        expect(relativeError(got, expected)).toBeLessThan(1e-13);
      },
    );

    it.skipIf(backend.la === null).each([
      [1, 1, 1],
      [2, 3, 4],
      [17, 5, 9],
      [64, 128, 33],
      [0, 3, 2],
      [3, 0, 2],
    ])("gemm m=%i k=%i n=%i", async (m, k, n) => {
      const rand = seededRandom(m * 10000 + k * 100 + n);
      const a = randomNormal(rand, m * k);
      const b = randomNormal(rand, k * n);
      const expected = await reference.gemm(a, b, m, k, n);
      const got = await la.gemm(a, b, m, k, n);
      expect(got.length).toBe(m * n);
      expect(relativeError(got, expected)).toBeLessThan(1e-13);
    });

    it.skipIf(backend.la === null).each([1, 2, 17, 120, 301])(
      "eigh of a random SPD matrix n=%i: eigenvalues ≤1e-10, whitening matrix ≤1e-8",
      async (n) => {
        const a = await randomSpd(n, seededRandom(n));
        const copy = a.slice();
        const ref = await reference.eigh(a, n);
        const got = await la.eigh(a, n);
        expect(a).toEqual(copy);
        for (let i = 1; i < n; i++) expect(got.values[i]!).toBeLessThanOrEqual(got.values[i - 1]!);
        expect(relativeError(got.values, ref.values)).toBeLessThanOrEqual(1e-10);
        const wRef = await whitening(reference, a, n);
        const wGot = await whitening(la, a, n);
        expect(relativeError(wGot, wRef)).toBeLessThanOrEqual(1e-8);
        // Rows are unit eigenvectors: ‖A·uᵢ − λᵢ·uᵢ‖ small.
        const av = await reference.gemm(got.vectors, a, n, n, n); // row i = uᵢᵀA = (A·uᵢ)ᵀ
        let residual = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            residual = Math.max(
              residual,
              Math.abs(av[i * n + j]! - got.values[i]! * got.vectors[i * n + j]!),
            );
        expect(residual / got.values[0]!).toBeLessThan(1e-12);
      },
    );

    it.skipIf(backend.la === null)(
      "eigh reads only the lower triangle and rejects NaN there",
      async () => {
        const n = 3;
        const a = new Float64Array([4, 0, 0, 1, 3, 0, 0, 1, 2]);
        const full = new Float64Array([4, 1, 0, 1, 3, 1, 0, 1, 2]);
        expect(
          relativeError((await la.eigh(a, n)).values, (await reference.eigh(full, n)).values),
        ).toBeLessThan(1e-14);
        const bad = a.slice();
        bad[3] = NaN;
        const err = await la.eigh(bad, n).catch((e: unknown) => e);
        expect(isFeaturewiseError(err, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
        expect((await la.eigh(new Float64Array(0), 0)).values.length).toBe(0);
      },
    );

    it.skipIf(backend.la === null || backend.name === "tfjs")(
      "the event loop keeps running during a long eigh",
      async () => {
        const n = 500;
        const a = await randomSpd(n, seededRandom(1));
        let ticks = 0;
        let done = false;
        const spin = (): void => {
          ticks++;
          if (!done) setImmediate(spin);
        };
        setImmediate(spin);
        const t0 = performance.now();
        await la.eigh(a, n);
        done = true;
        const ms = performance.now() - t0;
        // With a blocking call the loop would get ~1 tick; here it spins throughout.
        expect(ticks).toBeGreaterThan(10);
        console.info(
          `${backend.name}: eigh n=${n} took ${ms.toFixed(0)} ms, ${ticks} event-loop turns meanwhile`,
        );
      },
    );
  });
}
