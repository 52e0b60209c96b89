import { describe, expect, it } from "vitest";
import {
  cmykToRGB,
  luma,
  premultiplyAlpha,
  toL,
  toRGB,
  toRGBA,
  unpremultiplyAlpha,
} from "./pil-convert.js";
import { BICUBIC, BILINEAR, precomputeCoefficients, resample } from "./pil-resample.js";
import { pilResize } from "./pil-resize.js";
import { nearestIndices, resizeNearest } from "./pil-resize-nearest.js";

describe("Pillow conversions", () => {
  it("luma uses Pillow's 16.16 fixed-point ITU-R 601-2 weights", () => {
    expect(luma(255, 255, 255)).toBe(255);
    expect(luma(255, 0, 0)).toBe(76);
    expect(luma(0, 255, 0)).toBe(150);
    expect(luma(0, 0, 255)).toBe(29);
    for (let v = 0; v < 256; v++) expect(luma(v, v, v)).toBe(v);
  });

  it("converts between L, LA, RGB and RGBA like Convert.c", () => {
    const la = Uint8Array.of(10, 200, 90, 0);
    expect([...toL(la, 2, 2)]).toEqual([10, 90]);
    expect([...toRGB(la, 2, 2)]).toEqual([10, 10, 10, 90, 90, 90]);
    expect([...toRGBA(la, 2, 2)]).toEqual([10, 10, 10, 200, 90, 90, 90, 0]);
    const rgba = Uint8Array.of(255, 0, 0, 7);
    expect([...toL(rgba, 1, 4)]).toEqual([76]);
    expect([...toRGB(rgba, 1, 4)]).toEqual([255, 0, 0]);
    expect([...toRGBA(Uint8Array.of(3), 1, 1)]).toEqual([3, 3, 3, 255]);
  });

  it("CMYK -> RGB is Pillow's naive cmyk2rgb", () => {
    const cmyk = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 255, 255, 128, 0, 0, 100, 50, 25, 100);
    expect([...cmykToRGB(cmyk, 4)]).toEqual([255, 255, 255, 0, 0, 0, 0, 127, 255, 94, 125, 140]);
  });

  it("premultiplication rounds with MULDIV255, un-premultiplication truncates", () => {
    const px = premultiplyAlpha(Uint8Array.of(200, 100, 255, 128, 9, 9, 9, 0, 9, 9, 9, 255), 4);
    expect([...px]).toEqual([100, 50, 128, 128, 0, 0, 0, 0, 9, 9, 9, 255]);
    // 200 does not survive the round trip: Pillow's RGBa->RGBA is floor(255 * c / a).
    expect([...unpremultiplyAlpha(px, 4)]).toEqual([199, 99, 255, 128, 0, 0, 0, 0, 9, 9, 9, 255]);
  });
});

describe("Pillow NEAREST resize", () => {
  it("accumulates the source position like ImagingScaleAffine, not (i + 0.5) * scale", () => {
    const idx = nearestIndices(2048, 1536);
    const direct = Array.from({ length: 1536 }, (_, i) => Math.trunc((i + 0.5) * (2048 / 1536)));
    const differing = [...idx.keys()].filter((i) => idx[i] !== direct[i]);
    // Pillow 9.4 (Image.new("I", (2048, 1)) of x indices, resized to 1536 NEAREST) differs from
    // the direct product at 303 positions, the first ones being these:
    expect(differing.length).toBe(303);
    expect(differing.slice(0, 8)).toEqual([4, 16, 19, 22, 25, 61, 64, 67]);
    expect(differing.slice(0, 8).map((i) => idx[i])).toEqual([5, 21, 25, 29, 33, 81, 85, 89]);
  });

  it("upscales by repeating source pixels as Pillow does", () => {
    expect([...nearestIndices(5, 12)]).toEqual([0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4]);
    const out = resizeNearest(Uint8Array.of(1, 2, 3, 4), 2, 2, 1, 3, 1);
    expect([...out]).toEqual([3, 4, 4]);
  });
});

describe("Pillow convolution resampling", () => {
  it("normalises each output's fixed-point taps to about 1 << 22", () => {
    for (const filter of [BILINEAR, BICUBIC]) {
      for (const [inSize, outSize] of [
        [37, 8],
        [8, 37],
        [1000, 3],
        [3, 1],
      ] as const) {
        const co = precomputeCoefficients(inSize, outSize, filter);
        for (let i = 0; i < outSize; i++) {
          let sum = 0;
          for (let k = 0; k < co.count[i]!; k++) sum += co.weights[i * co.ksize + k]!;
          expect(Math.abs(sum - (1 << 22))).toBeLessThanOrEqual(co.ksize);
          expect(co.start[i]! + co.count[i]!).toBeLessThanOrEqual(inSize);
        }
      }
    }
  });

  it("keeps constant images constant and copies when the size is unchanged", () => {
    const flat = new Uint8Array(7 * 5 * 3).fill(173);
    for (const filter of [BILINEAR, BICUBIC]) {
      expect(resample(flat, 7, 5, 3, 3, 9, filter).every((v) => v === 173)).toBe(true);
    }
    const src = Uint8Array.of(1, 2, 3, 4);
    const same = pilResize(src, 2, 2, 1, 2, 2, "bicubic");
    expect([...same]).toEqual([1, 2, 3, 4]);
    expect(same).not.toBe(src);
  });

  it("resizes RGBA through premultiplied RGBa: fully transparent pixels do not bleed colour", () => {
    // Left pixel opaque red, right pixel transparent green: the mix stays pure red.
    const src = Uint8Array.of(255, 0, 0, 255, 0, 255, 0, 0);
    const out = pilResize(src, 2, 1, 4, 1, 1, "bilinear");
    expect([...out]).toEqual([255, 0, 0, 128]);
  });
});
