import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import type { ColorMode, Interpolation } from "./types.js";

/**
 * Layouts the Keras fixtures do not cover (LA, tRNS, palette + tRNS, 1-bit, 4-bit palette, CMYK,
 * EXIF rotation, ICC profile, GIF, WebP, TIFF, RGBA with random alpha), checked against what
 * Pillow 9.4 + Keras' load_img logic returned; testdata/make-testdata.py made them.
 */
const TESTDATA = fileURLToPath(new URL("./testdata/", import.meta.url));

interface PillowCase {
  file: string;
  color_mode: ColorMode;
  target_size: [number, number] | null;
  interpolation: Interpolation;
  shape: [number, number, number];
  offset: number;
}

const cases = JSON.parse(readFileSync(`${TESTDATA}cases.json`, "utf8")) as PillowCase[];
const expectedBlob = readFileSync(`${TESTDATA}expected.bin`);

describe("decodeImage matches Pillow 9.4 on layouts beyond the Keras fixtures", () => {
  it.each(
    cases.map(
      (c) => [`${c.file} ${c.color_mode} ${String(c.target_size)} ${c.interpolation}`, c] as const,
    ),
  )("%s", async (_name, c) => {
    const got = await decodeImage(readFileSync(`${TESTDATA}${c.file}`), {
      colorMode: c.color_mode,
      targetSize: c.target_size,
      interpolation: c.interpolation,
    });
    expect([got.height, got.width, got.channels]).toEqual(c.shape);
    const n = c.shape[0] * c.shape[1] * c.shape[2];
    const expected = expectedBlob.subarray(c.offset, c.offset + n);
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(got.data[i]! - expected[i]!));
    expect(max).toBe(0);
  });

  it("does not rotate by EXIF orientation (Pillow keeps the stored 17x13 layout)", async () => {
    const got = await decodeImage(readFileSync(`${TESTDATA}exif-rotate90.jpg`), {
      colorMode: "rgb",
      targetSize: null,
      interpolation: "nearest",
    });
    expect([got.height, got.width]).toEqual([13, 17]);
  });
});
