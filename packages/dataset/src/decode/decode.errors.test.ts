import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import type { DecodeOptions } from "./types.js";

const RGB: DecodeOptions = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };

/** Deterministic noise, so that compressed files are long enough to cut meaningfully. */
function noise(length: number, seed = 12345): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

async function encoded(format: "png" | "jpeg", width = 64, height = 48): Promise<Uint8Array> {
  const raw = { width, height, channels: 3 as const };
  return new Uint8Array(
    await sharp(noise(width * height * 3), { raw })
      .toFormat(format)
      .toBuffer(),
  );
}

/** A 24-bit BMP of `width`x`height` grey pixels (BITMAPINFOHEADER), as Pillow writes them. */
function bmp(width: number, height: number): Uint8Array {
  const row = Math.ceil((width * 3) / 4) * 4;
  const out = new Uint8Array(54 + row * height).fill(0x80, 54);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  return out;
}

/** Runs decodeImage expecting a DECODE_FAILED FeaturewiseError, and returns it. */
async function decodeFailure(bytes: Uint8Array, options: DecodeOptions = RGB) {
  const err: unknown = await decodeImage(bytes, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FeaturewiseError);
  expect((err as FeaturewiseError).code).toBe(ErrorCodes.DECODE_FAILED);
  return err as FeaturewiseError;
}

describe("decodeImage rejects bad inputs with plain messages", () => {
  it("empty buffer", async () => {
    expect((await decodeFailure(new Uint8Array(0))).message).toBe("empty file (0 bytes)");
  });

  it("random bytes", async () => {
    const err = await decodeFailure(noise(4096, 7));
    expect(err.message).toBe("not an image (unrecognised format)");
  });

  it("a text file", async () => {
    const text = new TextEncoder().encode("id,label\n1,cat\n2,dog\nthis is not an image\n");
    expect((await decodeFailure(text)).message).toBe("not an image (unrecognised format)");
  });

  it.each([
    ["png", 0.5, "truncated PNG (the file ends before its IEND chunk)"],
    ["png", 0.9, "truncated PNG (the file ends before its IEND chunk)"],
    ["jpeg", 0.5, "truncated JPEG (the file ends before its end-of-image marker)"],
    ["jpeg", 0.9, "truncated JPEG (the file ends before its end-of-image marker)"],
  ] as const)(
    "a %s cut to %s of its length is named truncated",
    async (format, fraction, reason) => {
      const whole = await encoded(format);
      await expect(decodeImage(whole, RGB)).resolves.toMatchObject({ height: 48, width: 64 });
      const cut = whole.subarray(0, Math.floor(whole.length * fraction));
      const err = await decodeFailure(cut);
      expect(err.message).toBe(reason);
      expect(err.cause).toBeInstanceOf(Error); // libvips' own text, kept apart from the reason
    },
  );

  it("a complete PNG whose compressed data is damaged is corrupt, not truncated", async () => {
    const png = (await encoded("png", 16, 16)).slice();
    png[60] = png[60]! ^ 0xff;
    expect((await decodeFailure(png)).message).toBe("corrupt PNG data");
  });

  it.each([
    ["RGB", 3, "rgb16"],
    ["grey", 1, "grey16"],
  ] as const)("a 16-bit %s PNG", async (_name, channels, space) => {
    const samples = new Uint16Array(8 * 6 * channels).map((_, i) => (i * 4099) & 0xffff);
    const png = await sharp(samples, { raw: { width: 8, height: 6, channels } })
      .toColourspace(space)
      .png()
      .toBuffer();
    for (const colorMode of ["rgb", "grayscale", "rgba"] as const) {
      const err = await decodeFailure(png, { ...RGB, colorMode });
      expect(err.message).toBe("16-bit images are not supported");
    }
  });

  it("an image above the pixel limit (decompression bomb guard)", async () => {
    const png = await encoded("png", 32, 20);
    const err = await decodeFailure(png, { ...RGB, maxPixels: 639 });
    expect(err.message).toBe(
      "image of 32x20 pixels exceeds the limit of 639 pixels (decompression bomb guard)",
    );
    await expect(decodeImage(png, { ...RGB, maxPixels: 640 })).resolves.toMatchObject({
      width: 32,
    });
  });

  it("an SVG, which sharp could render but Pillow (hence Keras) cannot read", async () => {
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>',
    );
    expect((await decodeFailure(svg)).message).toBe(
      "SVG is not supported (Pillow 9.4, hence Keras, cannot read it)",
    );
  });

  it("an AVIF, which sharp reads but Pillow 9.4 cannot, is refused by name", async () => {
    const avif = await sharp(noise(16 * 16 * 3), { raw: { width: 16, height: 16, channels: 3 } })
      .avif()
      .toBuffer();
    expect((await decodeFailure(avif)).message).toBe(
      "AVIF is not supported (Pillow 9.4, hence Keras, cannot read it)",
    );
  });

  it.each([
    ["BMP", bmp(4, 2)],
    ["PPM/PGM/PBM", new TextEncoder().encode("P6\n2 2\n255\n" + "\x10".repeat(12))],
    [
      "ICO",
      Uint8Array.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 0, 0, 0, 22, 0, 0, 0]),
    ],
  ])(
    "a %s file, which Pillow reads but libvips does not, is refused by name",
    async (name, bytes) => {
      expect((await decodeFailure(bytes)).message).toBe(
        `${name} is not supported (Keras reads it through Pillow, but libvips, the decoder here, cannot)`,
      );
    },
  );

  it("invalid options are INVALID_ARGUMENT", async () => {
    const png = await encoded("png", 4, 4);
    const bad: DecodeOptions[] = [
      { ...RGB, targetSize: [0, 4] },
      { ...RGB, targetSize: [2.5, 4] },
      { ...RGB, colorMode: "bgr" as never },
      { ...RGB, interpolation: "lanczos" as never },
      { ...RGB, maxPixels: -1 },
    ];
    for (const options of bad) {
      await expect(decodeImage(png, options)).rejects.toMatchObject({
        code: ErrorCodes.INVALID_ARGUMENT,
      });
    }
  });
});
