import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { pngBomb } from "../../../../test/helpers/bombs.js";
import { decodeImage } from "./decode.js";
import type { DecodeOptions } from "./types.js";

const RGB: DecodeOptions = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };
const GiB = 1 << 30;

/** Decodes expecting a refusal; returns its message, the seconds and the RSS growth it took. */
async function refusal(bytes: Uint8Array) {
  const rss = process.memoryUsage.rss();
  const start = performance.now();
  const err = await decodeImage(bytes, RGB).then(
    () => null,
    (e: unknown) => e as Error & { code?: string },
  );
  return {
    err,
    seconds: (performance.now() - start) / 1000,
    grewBytes: process.memoryUsage.rss() - rss,
  };
}

describe("decompression bombs inside PNG data", () => {
  it.each([
    ["a plain 32x32 RGB PNG (the fast path)", false],
    ["an interlaced 32x32 RGB PNG (the libvips path)", true],
  ])(
    "%s whose IDAT inflates to 1 GiB is refused in milliseconds, never inflated whole",
    async (_name, interlaced) => {
      const bomb = await pngBomb(32, 32, GiB, interlaced);
      expect(bomb.length).toBeLessThan(2 << 20);
      const { err, seconds, grewBytes } = await refusal(bomb);
      expect(err?.code).toBe("DECODE_FAILED");
      // 32 rows of 1 + 32*3 bytes; interlaced, the seven Adam7 passes' rows (52+52+100+200+392+784+1552).
      const [promised, limit] = interlaced ? ["3,132", "68,668"] : ["3,104", "68,640"];
      expect(err?.message).toBe(
        `PNG image data inflates past ${limit} bytes, but its 32x32 header promises ${promised} (decompression bomb guard)`,
      );
      expect(seconds).toBeLessThan(1);
      expect(grewBytes).toBeLessThan(100 << 20);
    },
  );

  it("a PNG with a little slack after its image data still decodes", async () => {
    const png = await sharp(Buffer.alloc(8 * 8 * 3, 7), {
      raw: { width: 8, height: 8, channels: 3 },
    })
      .png()
      .toBuffer();
    await expect(decodeImage(png, RGB)).resolves.toMatchObject({ width: 8, height: 8 });
  });
});
