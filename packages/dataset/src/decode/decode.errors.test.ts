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
    expect(err.cause).toBeInstanceOf(Error);
  });

  it("a text file", async () => {
    const text = new TextEncoder().encode("id,label\n1,cat\n2,dog\nthis is not an image\n");
    expect((await decodeFailure(text)).message).toBe("not an image (unrecognised format)");
  });

  it.each([
    ["PNG", "png", 0.5],
    ["PNG", "png", 0.9],
    ["JPEG", "jpeg", 0.5],
    ["JPEG", "jpeg", 0.9],
  ] as const)("a %s cut to %s of its length", async (_name, format, fraction) => {
    const whole = await encoded(format);
    await expect(decodeImage(whole, RGB)).resolves.toMatchObject({ height: 48, width: 64 });
    const cut = whole.subarray(0, Math.floor(whole.length * fraction));
    const err = await decodeFailure(cut);
    expect(err.message).toMatch(/^corrupt or truncated image: \S/);
    expect(err.message).not.toContain("\n");
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
    expect((await decodeFailure(svg)).message).toMatch(/^unsupported image format 'svg'/);
  });

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
