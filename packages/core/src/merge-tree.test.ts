import { describe, expect, it } from "vitest";
import { JsLinearAlgebra } from "./linalg/index.js";
import { seededRandom } from "./linalg/test-support.js";
import { reduceTreeLevels, TreeMerger } from "./merge-tree.js";
import { createMoments, mergeAll, mergeInto, type Moments, type MomentsKind } from "./moments.js";
import { referenceAccumulateBatch } from "./reference-moments.js";

const la = new JsLinearAlgebra();

function randomImages(n: number, dim: number, seed: number): Float64Array {
  const r = seededRandom(seed);
  // Pixel-like values with a per-position offset, so means differ between positions.
  return Float64Array.from({ length: n * dim }, (_, i) => Math.floor(r() * 200) + (i % dim) * 0.5);
}

async function momentsOf(
  x: Float64Array,
  rows: number,
  dim: number,
  kind: MomentsKind,
): Promise<Moments> {
  const m = createMoments(kind, dim);
  await referenceAccumulateBatch(m, x.slice(0, rows * dim), rows, la);
  return m;
}

/** Splits rows at random cut points into partials. */
async function randomPartials(
  x: Float64Array,
  n: number,
  dim: number,
  parts: number,
  seed: number,
  kind: MomentsKind,
) {
  const r = seededRandom(seed);
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(1 + Math.floor(r() * (n - 1)));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), n];
  const out: Moments[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [a, b] = [bounds[i]!, bounds[i + 1]!];
    out.push(await momentsOf(x.slice(a * dim, b * dim), b - a, dim, kind));
  }
  return out;
}

/** Merges partials along a random binary tree. */
function randomTreeMerge(parts: Moments[], r: () => number): Moments {
  let nodes = parts.map((p) => mergeAll([p]));
  while (nodes.length > 1) {
    const i = Math.floor(r() * (nodes.length - 1));
    const merged = mergeAll([nodes[i]!, nodes[i + 1]!]);
    nodes = [...nodes.slice(0, i), merged, ...nodes.slice(i + 2)];
  }
  return nodes[0]!;
}

function lowerRelErr(a: Moments, b: Moments): number {
  let err = 0;
  let scale = 0;
  const d = a.dim;
  const cmp = (x: number, y: number) => {
    err = Math.max(err, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  };
  if (a.kind === "full") {
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) cmp(a.comoment[i * d + j]!, b.comoment[i * d + j]!);
  } else {
    for (let i = 0; i < d; i++) cmp(a.comoment[i]!, b.comoment[i]!);
  }
  const merr = Math.max(
    ...Array.from(a.mean, (v, i) => Math.abs(v - b.mean[i]!) / Math.abs(b.mean[i]!)),
  );
  return Math.max(err / scale, merr);
}

describe("merging partial moments", () => {
  const n = 300;
  const dim = 12;
  const x = randomImages(n, dim, 7);

  for (const kind of ["full", "diagonal"] as const) {
    it(`${kind}: any split into any number of partials, merged in any tree, agrees to 1e-12`, async () => {
      const whole = await momentsOf(x, n, dim, kind);
      for (let trial = 0; trial < 20; trial++) {
        const parts = await randomPartials(x, n, dim, 1 + (trial % 9) * 7, 100 + trial, kind);
        const merged = randomTreeMerge(parts, seededRandom(trial));
        expect(merged.n).toBe(n);
        expect(lowerRelErr(merged, whole)).toBeLessThanOrEqual(1e-12);
        const fanIn = 2 + (trial % 5);
        const tree = new TreeMerger(fanIn);
        for (const p of parts) tree.push(p);
        expect(lowerRelErr(tree.finish()!, whole)).toBeLessThanOrEqual(1e-12);
      }
    });
  }

  it("a fixed merge order gives bit-identical results", async () => {
    const parts = await randomPartials(x, n, dim, 40, 3, "full");
    const runs = [0, 1].map(() => {
      const tree = new TreeMerger(4);
      for (const p of parts) tree.push(p);
      return tree.finish()!;
    });
    expect(Buffer.from(runs[0]!.mean.buffer).equals(Buffer.from(runs[1]!.mean.buffer))).toBe(true);
    expect(
      Buffer.from(runs[0]!.comoment.buffer).equals(Buffer.from(runs[1]!.comoment.buffer)),
    ).toBe(true);
  });

  it("TreeMerger follows reduceTreeLevels exactly", async () => {
    for (const count of [1, 2, 3, 4, 5, 16, 17, 33]) {
      const parts = await randomPartials(x, n, dim, count, count, "full");
      const incremental = new TreeMerger(4);
      for (const p of parts) incremental.push(p);
      let nodes = parts;
      for (const groups of reduceTreeLevels(count, 4)) {
        let start = 0;
        nodes = groups.map((size) => mergeAll(nodes.slice(start, (start += size))));
      }
      const got = incremental.finish()!;
      expect(
        Buffer.from(got.mean.buffer).equals(Buffer.from(nodes[0]!.mean.buffer)),
        `count ${count}`,
      ).toBe(true);
      for (let i = 0; i < dim; i++) {
        for (let j = 0; j <= i; j++)
          expect(got.comoment[i * dim + j]).toBe(nodes[0]!.comoment[i * dim + j]);
      }
    }
  });

  it("wrapping a single partial is the identity, bit for bit", async () => {
    const p = await momentsOf(x, 50, dim, "full");
    const wrapped = createMoments("full", dim);
    mergeInto(wrapped, p);
    expect(Array.from(wrapped.mean)).toEqual(Array.from(p.mean));
  });

  it("reduceTreeLevels groups consecutive partials by fan-in", () => {
    expect(reduceTreeLevels(1, 32)).toEqual([]);
    expect(reduceTreeLevels(70, 32)).toEqual([[32, 32, 6], [3]]);
    expect(() => reduceTreeLevels(5, 1)).toThrow(/fanIn/);
  });

  it("n = 1 gives a zero co-moment and the image as mean", async () => {
    const m = await momentsOf(x, 1, dim, "full");
    expect(Array.from(m.mean)).toEqual(Array.from(x.slice(0, dim)));
    expect(m.comoment.every((v) => v === 0)).toBe(true);
  });
});
