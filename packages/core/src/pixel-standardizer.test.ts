import { describe, expect, it } from "vitest";
import type { DataFormat, ImageShape } from "./image-layout.js";
import { writeImageRow } from "./image-layout.js";
import { PixelStandardizer, standardizeBatch, type StandardizeParams } from "./standardize.js";

const shape: ImageShape = { height: 3, width: 5, channels: 3 };
const dim = 45;

function params(format: DataFormat, center: boolean, std: boolean, rescale: number | null) {
  return {
    flags: { featurewiseCenter: center, featurewiseStdNormalization: std, zcaWhitening: false },
    rescale,
    dataFormat: format,
    imageShape: shape,
    channelMean: Float64Array.of(120.123456789, 3.3, 0),
    channelStd: Float64Array.of(61.7, 0, 1e-9), // a constant channel (std 0) and a tiny one
    whitening: null,
  } satisfies StandardizeParams;
}

describe("PixelStandardizer", () => {
  const pixels = Uint8Array.from({ length: dim }, (_, i) => (i * 97 + 13) % 256);
  pixels[4] = 0;
  for (const format of ["channels_last", "channels_first"] as const) {
    for (const [center, std, rescale] of [
      [true, true, null],
      [true, false, 1 / 255],
      [false, true, 1 / 255],
      [false, false, 1 / 3],
      [false, false, null],
    ] as const) {
      it(`${format}, center ${center}, std ${std}, rescale ${rescale}: the bits of standardizeBatch rounded once`, async () => {
        const p = params(format, center, std, rescale);
        const rows = new Float64Array(dim);
        writeImageRow(pixels, shape, format, rows, 0);
        const expected = Float32Array.from(await standardizeBatch(rows, 1, p, null as never));
        const out = new Float32Array(dim + 2).fill(NaN);
        new PixelStandardizer(shape, format, p).writeRow(pixels, out, 1);
        expect(Buffer.from(out.buffer, 4, dim * 4).equals(Buffer.from(expected.buffer))).toBe(true);
        expect(out[0]).toBeNaN(); // nothing written outside the row
        expect(out[dim + 1]).toBeNaN();
      });
    }
    it(`${format}, no params: the pixel values, in the format's order`, () => {
      const rows = new Float64Array(dim);
      writeImageRow(pixels, shape, format, rows, 0);
      const out = new Float32Array(dim);
      new PixelStandardizer(shape, format, null).writeRow(pixels, out, 0);
      expect(Array.from(out)).toEqual(Array.from(rows));
    });
  }

  it("refuses ZCA parameters (they need the batch's product)", () => {
    const p = {
      ...params("channels_last", true, false, null),
      flags: { featurewiseCenter: true, featurewiseStdNormalization: false, zcaWhitening: true },
    };
    expect(() => new PixelStandardizer(shape, "channels_last", p)).toThrow(/ZCA/);
  });
});
