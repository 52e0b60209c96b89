import sharp, { type PngOptions } from "sharp";
import { describe, expect, it } from "vitest";
import { syntheticPixels } from "../synthetic.js";
import { decodeSimplePng } from "./png-fast-path.js";
import { inflatePngData, readPngLayout } from "./png-layout.js";

/** The fast path as decodeImage takes it: layout, inflate under its limit, unfilter. */
function fastDecode(png: Uint8Array) {
  const layout = readPngLayout(png);
  if (layout === null) return null;
  const inflated = inflatePngData(layout);
  return "data" in inflated ? decodeSimplePng(layout, inflated.data) : null;
}

async function pngOf(channels: 1 | 2 | 3 | 4, opts: PngOptions = {}): Promise<Uint8Array> {
  const raw = syntheticPixels(3, {
    height: 13,
    width: 17,
    channels: channels === 2 ? 4 : channels,
    seed: 2,
  });
  const px =
    channels === 2
      ? Uint8Array.from(
          { length: 13 * 17 * 2 },
          (_, i) => raw[Math.floor(i / 2) * 4 + (i % 2 ? 3 : 0)]!,
        )
      : raw;
  return new Uint8Array(
    await sharp(px, { raw: { width: 17, height: 13, channels } })
      .png(opts)
      .toBuffer(),
  );
}

describe("the pure-JS PNG fast path", () => {
  for (const channels of [1, 2, 3, 4] as const) {
    it(`decodes 8-bit ${channels}-channel PNGs to the same pixels as libvips`, async () => {
      const png = await pngOf(channels);
      const fast = fastDecode(png);
      expect(fast).not.toBeNull();
      const ref = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect(fast!.channels).toBe(ref.info.channels);
      expect(Buffer.from(fast!.data).equals(ref.data)).toBe(true);
    });
  }

  it("declines palette, interlaced and truncated PNGs (they take the libvips path)", async () => {
    expect(fastDecode(await pngOf(3, { palette: true }))).toBeNull();
    expect(fastDecode(await pngOf(3, { progressive: true }))).toBeNull();
    const whole = await pngOf(3);
    expect(fastDecode(whole.subarray(0, whole.length - 20))).toBeNull();
    expect(fastDecode(new TextEncoder().encode("not a png at all, clearly not"))).toBeNull();
  });

  it("inflates a small image into a buffer of its own size, not zlib's 16 KiB chunk", async () => {
    // Each image's inflated bytes live until a collection: a 16 KiB chunk per
    // 32x32 image made Node 24's RSS climb ~20 MiB over the first 20,000.
    const layout = readPngLayout(await pngOf(3))!;
    const inflated = inflatePngData(layout);
    expect("data" in inflated).toBe(true);
    const { data } = inflated as { data: Uint8Array };
    expect(data.length).toBe(13 * (1 + 17 * 3));
    // Its own allocation, or a slice of Node's shared pool for one this small.
    expect(data.buffer.byteLength).toBeLessThanOrEqual(Math.max(data.length + 1, Buffer.poolSize));
  });

  it("declines a PNG whose compressed data is corrupt", async () => {
    const png = (await pngOf(3)).slice();
    png[60] = png[60]! ^ 0xff;
    expect(fastDecode(png)).toBeNull();
  });
});

describe("the PNG fast path on every scanline filter", () => {
  it("matches libvips for images written with each PNG filter", async () => {
    // libvips/libpng choose filters adaptively; force each one through sharp's png options.
    for (const adaptiveFiltering of [false, true]) {
      for (const channels of [1, 2, 3, 4] as const) {
        const png = await pngOf(channels, { adaptiveFiltering, compressionLevel: 9 });
        const fast = fastDecode(png);
        const ref = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        expect(Buffer.from(fast!.data).equals(ref.data)).toBe(true);
      }
    }
  });
});
