import { describe, expect, it } from "vitest";
import {
  flatSize,
  JsLinearAlgebra,
  type DataFormat,
  type ImageShape,
  type LinearAlgebra,
  type MomentsKind,
} from "@featurewise/core";
import { BatchAccumulator } from "./batch-accumulator.js";
import { BufferPool } from "@featurewise/pipeline";

const shape: ImageShape = { height: 3, width: 2, channels: 3 };
const dim = flatSize(shape);

/** n HWC uint8 images; pixel 0's first channel is constant. */
function images(n: number, seed: number): Uint8Array[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () =>
    Uint8Array.from({ length: dim }, (_, i) => {
      if (i === 0) return 200;
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s >>> 24;
    }),
  );
}

/** The flattened image in the artifact's pixel order. */
function flat(hwc: Uint8Array, format: DataFormat): number[] {
  if (format === "channels_last") return [...hwc];
  const { height, width, channels } = shape;
  const out: number[] = [];
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < height * width; p++) out.push(hwc[p * channels + c]!);
  return out;
}

/** Mean and co-moment Σ(x−μ)(x−μ)ᵀ computed directly in float64, two passes. */
function direct(xs: number[][]) {
  const n = xs.length;
  const mean = new Float64Array(dim);
  for (const x of xs) for (let i = 0; i < dim; i++) mean[i]! += x[i]! / n;
  const m = new Float64Array(dim * dim);
  for (const x of xs)
    for (let i = 0; i < dim; i++)
      for (let j = 0; j <= i; j++) m[i * dim + j]! += (x[i]! - mean[i]!) * (x[j]! - mean[j]!);
  return { mean, m };
}

async function accumulate(
  kind: MomentsKind,
  format: DataFormat,
  xs: Uint8Array[],
  batch: number,
  la: LinearAlgebra = new JsLinearAlgebra(),
  pool?: BufferPool,
) {
  const acc = new BatchAccumulator(kind, shape, format, la, batch, pool);
  for (const x of xs) await acc.add(x);
  return acc.moments();
}

describe("BatchAccumulator", () => {
  const xs = images(37, 3);
  for (const format of ["channels_last", "channels_first"] as const) {
    for (const kind of ["full", "diagonal"] as const) {
      it(`${kind}, ${format}: the moments of every image added, in uneven batches`, async () => {
        const m = await accumulate(kind, format, xs, 5); // 37 = 7 batches of 5 + 2
        const ref = direct(xs.map((x) => flat(x, format)));
        expect(m.n).toBe(37);
        expect(m.kind).toBe(kind);
        for (let i = 0; i < dim; i++) {
          expect(m.mean[i]).toBeCloseTo(ref.mean[i]!, 11);
          const at = kind === "full" ? i * dim + i : i;
          expect(Math.abs(m.comoment[at]! - ref.m[i * dim + i]!)).toBeLessThan(1e-8);
          if (kind === "full") {
            for (let j = 0; j < i; j++) {
              expect(Math.abs(m.comoment[i * dim + j]! - ref.m[i * dim + j]!)).toBeLessThan(1e-8);
            }
          }
        }
        // The constant position (first in both orders) is exactly 0, whatever the batches.
        expect(m.comoment[0]).toBe(0);
      });
    }
  }

  it("the result does not depend on the batch size (exact sums)", async () => {
    const a = await accumulate("full", "channels_last", xs, 1);
    const b = await accumulate("full", "channels_last", xs, 256);
    expect(a.mean).toEqual(b.mean);
    expect(a.comoment).toEqual(b.comoment);
  });

  it("n = 1: the image itself as mean and a zero co-moment", async () => {
    const m = await accumulate("full", "channels_last", xs.slice(0, 1), 4);
    expect([...m.mean]).toEqual([...xs[0]!]);
    expect(m.comoment.every((v) => v === 0)).toBe(true);
  });

  it("no image: n = 0 and zero moments", async () => {
    const m = await accumulate("diagonal", "channels_last", [], 4);
    expect(m.n).toBe(0);
    expect(m.comoment.every((v) => v === 0)).toBe(true);
  });

  it("takes its buffers from a pool, zeroed, and gives the batch buffer back", async () => {
    const pool = new BufferPool(4);
    const dirty = new Float64Array(dim * dim).fill(9);
    pool.give(dirty);
    const m = await accumulate("full", "channels_last", xs, 5, new JsLinearAlgebra(), pool);
    expect(m.comoment).toBe(dirty); // reused, and it was zeroed first
    const ref = await accumulate("full", "channels_last", xs, 5);
    expect(m.comoment).toEqual(ref.comoment);
    expect(pool.take(5 * dim).length).toBe(5 * dim);
  });

  it("uses syrkPixels for batches it takes, and gives the same bits", async () => {
    const js = new JsLinearAlgebra();
    let pixelCalls = 0;
    const withPixels: LinearAlgebra = Object.assign(Object.create(js) as LinearAlgebra, {
      syrkPixels: async (rows: Float64Array, n: number, d: number, c: Float64Array) => {
        pixelCalls++;
        await js.syrk(rows.subarray(0, n * d), n, d, c, 1, 1);
      },
    });
    const a = await accumulate("full", "channels_last", xs, 8, withPixels);
    const b = await accumulate("full", "channels_last", xs, 8, js);
    expect(pixelCalls).toBe(5); // 37 = 4 × 8 + 5
    expect(a.comoment).toEqual(b.comoment);
  });
});
