import { describe, expect, it } from "vitest";
import { robustScale, tileGrid, valuesToPicture, type Picture } from "./pixel-grid.js";

const solid = (v: number, w = 2, h = 2, c: 1 | 3 = 1): Picture => ({
  data: new Uint8Array(w * h * c).fill(v),
  width: w,
  height: h,
  channels: c,
});

describe("tileGrid", () => {
  it("lays pictures out in rows with white gaps, enlarged by a whole factor", () => {
    const g = tileGrid([solid(10), solid(20), solid(30)], { columns: 2, minTile: 4, gap: 1 });
    // 2x2 pictures enlarged 2x to 4x4; 2 columns and 2 rows with 1-pixel gaps.
    expect([g.width, g.height, g.channels]).toEqual([9, 9, 1]);
    const at = (x: number, y: number) => g.data[y * g.width + x];
    expect(at(0, 0)).toBe(10);
    expect(at(3, 3)).toBe(10);
    expect(at(4, 0)).toBe(255);
    expect(at(5, 0)).toBe(20);
    expect(at(0, 5)).toBe(30);
    expect(at(5, 5)).toBe(255);
  });
  it("refuses pictures of different sizes, and none", () => {
    expect(() => tileGrid([solid(1), solid(1, 3, 2)])).toThrow(/differ/);
    expect(() => tileGrid([])).toThrow(/no pictures/);
  });
});

describe("valuesToPicture", () => {
  it("reorders channels_first values to HWC and maps offset + v·gain, clamped", () => {
    const shape = { height: 1, width: 2, channels: 3 };
    // (C,H,W): R = [0, 1], G = [2, 3], B = [-9, 99]
    const p = valuesToPicture([0, 1, 2, 3, -9, 99], shape, "channels_first", 10, 5);
    expect(Array.from(p.data)).toEqual([5, 25, 0, 15, 35, 255]);
    const q = valuesToPicture([0, 2, -9, 1, 3, 99], shape, "channels_last", 10, 5);
    expect(Array.from(q.data)).toEqual(Array.from(p.data));
  });
});

describe("robustScale", () => {
  it("takes a quantile of |v| so a few extremes do not set the scale", () => {
    const v = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1) * (i < 99 ? 2 : 1000));
    expect(robustScale(v)).toBe(2);
    expect(robustScale([0, 0])).toBe(1);
    expect(robustScale([])).toBe(1);
  });
});
