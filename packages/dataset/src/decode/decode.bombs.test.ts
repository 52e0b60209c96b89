import { crc32, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { pngBomb } from "../../../../test/helpers/bombs.js";
import { decodeImage } from "./decode.js";
import type { DecodeOptions } from "./types.js";

const RGB: DecodeOptions = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };
const GiB = 1 << 30;

/** An 8-bit RGB PNG of `idat` as its image data. */
function pngOf(width: number, height: number, idat: Uint8Array): Buffer {
  const chunk = (type: string, data: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

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

  it("a PNG whose data inflates a little past its promise is not a bomb: it decodes as before", async () => {
    const rows = Buffer.alloc(8 * (1 + 8 * 3), 7).fill(0, 0, 1); // row 0's filter byte: none
    for (let y = 1; y < 8; y++) rows[y * 25] = 0;
    const png = pngOf(8, 8, deflateSync(Buffer.concat([rows, Buffer.alloc(100)])));
    const image = await decodeImage(png, RGB);
    expect(image).toMatchObject({ width: 8, height: 8 });
    expect(image.data.every((v) => v === 7)).toBe(true);
  });
});
