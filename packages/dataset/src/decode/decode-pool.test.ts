import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticPixels } from "../synthetic.js";
import { decodeImage } from "./decode.js";
import { DecodePool } from "./decode-pool.js";

const OPTIONS = { colorMode: "grayscale", targetSize: [5, 7], interpolation: "bicubic" } as const;

describe("DecodePool", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fw-pool-"));
  const pool = new DecodePool(2);
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same pixels as decodeImage, from bytes or from paths, in order", async () => {
    const files: string[] = [];
    for (let i = 0; i < 10; i++) {
      const png = await sharp(syntheticPixels(i, { height: 9, width: 11, channels: 3, seed: 4 }), {
        raw: { width: 11, height: 9, channels: 3 },
      })
        .png()
        .toBuffer();
      files.push(path.join(dir, `${i}.png`));
      writeFileSync(files[i]!, png);
    }
    const expected = await Promise.all(
      files.map(async (f) => decodeImage(new Uint8Array(await sharp(f).png().toBuffer()), OPTIONS)),
    );
    const fromPaths = await pool.decodeMany(files, OPTIONS);
    const fromBytes = await pool.decodeMany(
      await Promise.all(files.map(async (f) => new Uint8Array(await sharp(f).png().toBuffer()))),
      OPTIONS,
    );
    for (const outcomes of [fromPaths, fromBytes]) {
      expect(outcomes).toHaveLength(10);
      outcomes.forEach((o, i) => {
        expect("image" in o && Array.from(o.image.data)).toEqual(Array.from(expected[i]!.data));
      });
    }
  });

  it("reads files of every size into its reused buffer, JPEG (libvips) and PNG alike", async () => {
    // 200x200 noise: a PNG over the worker's first 64 KiB buffer; the JPEGs take the libvips path.
    const inputs: { file: string; bytes: Buffer }[] = [];
    for (const [i, size, format] of [
      [0, 200, "png"],
      [1, 12, "jpeg"],
      [2, 8, "png"],
      [3, 150, "jpeg"],
      [4, 300, "png"],
      [5, 5, "png"],
    ] as const) {
      const raw = syntheticPixels(i, { height: size, width: size, channels: 3, seed: 7 });
      const image = sharp(raw, { raw: { width: size, height: size, channels: 3 } });
      const bytes = await (format === "png" ? image.png() : image.jpeg()).toBuffer();
      const file = path.join(dir, `mixed-${i}.${format}`);
      writeFileSync(file, bytes);
      inputs.push({ file, bytes });
    }
    expect(inputs[4]!.bytes.length).toBeGreaterThan(1 << 16);
    const options = { colorMode: "rgb", targetSize: null, interpolation: "nearest" } as const;
    const got = await pool.decodeMany(
      inputs.map((x) => x.file),
      options,
    );
    for (let i = 0; i < inputs.length; i++) {
      const expected = await decodeImage(new Uint8Array(inputs[i]!.bytes), options);
      const outcome = got[i]!;
      expect(
        "image" in outcome && Buffer.from(outcome.image.data).equals(Buffer.from(expected.data)),
      ).toBe(true);
    }
  });

  it("reports each failure in place with its code, without failing the batch", async () => {
    writeFileSync(path.join(dir, "bad.png"), "no");
    const [bad, missing] = await pool.decodeMany(
      [path.join(dir, "bad.png"), path.join(dir, "missing.png")],
      OPTIONS,
    );
    expect(bad).toMatchObject({ error: { code: "DECODE_FAILED" } });
    expect(missing).toMatchObject({ error: { code: "IO_ERROR" } });
    await expect(pool.decode(path.join(dir, "bad.png"), OPTIONS)).rejects.toThrow(/not an image/);
  });
});
