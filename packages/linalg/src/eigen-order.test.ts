import { describe, expect, it } from "vitest";
import { toDescendingRows } from "./eigen-order.js";
import { addLowerFromFloat32, scaleLower } from "./lower-triangle.js";

describe("toDescendingRows", () => {
  it("reverses values and rows, and makes each row's largest entry positive", () => {
    const values = new Float64Array([1, 2, 3]);
    const rows = new Float64Array([0.6, -0.8, 0, 0, 0, -1, -0.8, -0.6, 0]);
    const out = toDescendingRows(values, rows, 3);
    expect(Array.from(out.values)).toEqual([3, 2, 1]);
    // (signed zeros normalised: a flipped row turns 0 into -0, as in the js backend)
    expect(Array.from(out.vectors, (v) => v + 0)).toEqual([0.8, 0.6, 0, 0, 0, 1, -0.6, 0.8, 0]);
  });

  it("keeps the first entry on a tie of magnitudes", () => {
    const out = toDescendingRows(new Float64Array([1]), new Float64Array([-1]), 1);
    expect(Array.from(out.vectors)).toEqual([1]);
    const tie = toDescendingRows(
      new Float64Array([1, 2]),
      new Float64Array([-0.5, 0.5, 0.5, -0.5]),
      2,
    );
    expect(Array.from(tie.vectors)).toEqual([0.5, -0.5, 0.5, -0.5]);
  });
});

describe("lower-triangle helpers", () => {
  it("scaleLower leaves the upper triangle alone; beta = 0 clears NaN", () => {
    const c = new Float64Array([NaN, 5, NaN, NaN]);
    scaleLower(c, 2, 0);
    expect(Array.from(c)).toEqual([0, 5, 0, 0]);
    const d = new Float64Array([1, 5, 2, 3]);
    scaleLower(d, 2, 2);
    expect(Array.from(d)).toEqual([2, 5, 4, 6]);
  });

  it("addLowerFromFloat32 adds alpha·update on the lower triangle", () => {
    const u = new Float32Array([1, 100, 2, 3]);
    const c = new Float64Array([10, 7, 20, 30]);
    addLowerFromFloat32(c, u, 2);
    expect(Array.from(c)).toEqual([11, 7, 22, 33]);
    addLowerFromFloat32(c, u, 2, -2);
    expect(Array.from(c)).toEqual([9, 7, 18, 27]);
  });
});
