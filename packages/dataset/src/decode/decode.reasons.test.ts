import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import { DecodePool } from "./decode-pool.js";
import type { DecodeOptions } from "./types.js";

const RGB: DecodeOptions = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };

function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** Broken files of every decoded format, each with the one reason it must always get. */
async function brokenFiles(): Promise<Array<{ name: string; bytes: Uint8Array; reason: string }>> {
  const image = (seed: number) =>
    sharp(noise(40 * 30 * 3, seed), { raw: { width: 40, height: 30, channels: 3 } });
  const half = (b: Buffer) => new Uint8Array(b.subarray(0, b.length >> 1));
  const png = await image(1).png().toBuffer();
  const damaged = new Uint8Array(png);
  damaged[80] = damaged[80]! ^ 0xff;
  return [
    {
      name: "cut palette PNG (libvips path)",
      bytes: half(await image(2).png({ palette: true }).toBuffer()),
      reason: "truncated PNG (the file ends before its IEND chunk)",
    },
    {
      name: "cut RGB PNG",
      bytes: half(png),
      reason: "truncated PNG (the file ends before its IEND chunk)",
    },
    { name: "damaged PNG", bytes: damaged, reason: "corrupt PNG data" },
    {
      name: "cut JPEG",
      bytes: half(await image(3).jpeg().toBuffer()),
      reason: "truncated JPEG (the file ends before its end-of-image marker)",
    },
    {
      name: "cut GIF",
      bytes: half(await image(4).gif().toBuffer()),
      reason: "truncated GIF (the file ends before its trailer)",
    },
    {
      name: "cut TIFF",
      bytes: half(await image(5).tiff().toBuffer()),
      reason: "corrupt or truncated TIFF data",
    },
  ];
}

/** Every reason given for each file over all runs. */
function reasonsByFile(
  names: string[],
  runs: Array<Array<string | null>>,
): Map<string, Set<string>> {
  const out = new Map(names.map((n) => [n, new Set<string>()]));
  for (const run of runs) run.forEach((r, i) => out.get(names[i]!)!.add(r ?? "decoded"));
  return out;
}

describe("skip reasons are the file's own, whatever runs beside it", () => {
  const pool = new DecodePool(2);
  afterAll(() => pool.close());

  it("many concurrent decodes of several broken files give the same reasons every run", async () => {
    const files = await brokenFiles();
    const names = files.map((f) => f.name);
    const runs: Array<Array<string | null>> = [];
    for (let round = 0; round < 6; round++) {
      // In one thread, all at once: libvips decodes them on libuv's threads side by side.
      const copies = Array.from({ length: 8 }, () => files).flat();
      const local = await Promise.all(
        copies.map((f) =>
          decodeImage(f.bytes, RGB).then(
            () => null,
            (e: Error) => e.message,
          ),
        ),
      );
      for (let c = 0; c < 8; c++) runs.push(local.slice(c * files.length, (c + 1) * files.length));
      // Through the decode workers, two threads each decoding a batch.
      const batches = await Promise.all(
        Array.from({ length: 4 }, () =>
          pool.decodeMany(
            files.map((f) => f.bytes.slice()),
            RGB,
          ),
        ),
      );
      for (const b of batches) runs.push(b.map((o) => ("error" in o ? o.error.message : null)));
    }
    const seen = reasonsByFile(names, runs);
    for (const f of files) expect([...seen.get(f.name)!], f.name).toEqual([f.reason]);
  });
});
