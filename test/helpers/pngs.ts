import { mkdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";

/**
 * Writes a uint8 image batch as one PNG per image (00000.png, ...), like
 * the fixtures' write_pngs.py.
 * @param data - N images in `format` order: (N,H,W,C) or (N,C,H,W)
 */
export async function writeBatchAsPngs(
  data: ArrayLike<number>,
  dims: readonly [number, number, number],
  format: "channels_last" | "channels_first",
  dir: string,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const [h, w, c] = format === "channels_last" ? dims : [dims[1], dims[2], dims[0]];
  const size = h * w * c;
  const n = data.length / size;
  for (let i = 0; i < n; i++) {
    const hwc = new Uint8Array(size);
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) {
        const src = format === "channels_last" ? i * size + p * c + ch : i * size + ch * h * w + p;
        hwc[p * c + ch] = data[src]!;
      }
    }
    await sharp(hwc, { raw: { width: w, height: h, channels: c as 1 | 3 | 4 } })
      .png()
      .toFile(path.join(dir, `${String(i).padStart(5, "0")}.png`));
  }
}
