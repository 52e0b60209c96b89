import { promises as fs } from "node:fs";
import path from "node:path";
import { loadSharp } from "./decode/load-sharp.js";

/** A deterministic synthetic image set, for demos, tests and benchmarks. */
export interface SyntheticImagesOptions {
  /** @defaultValue 2000 */
  readonly count: number;
  /** @defaultValue 32 */
  readonly height: number;
  /** @defaultValue 32 */
  readonly width: number;
  /** 1, 3 or 4. @defaultValue 3 */
  readonly channels: 1 | 3 | 4;
  /** @defaultValue 1 */
  readonly seed: number;
  /** Files per sub-folder (class-folder layout); 0 for a flat folder. @defaultValue 1000 */
  readonly perFolder: number;
  /** PNGs written in parallel. @defaultValue 16 */
  readonly concurrency: number;
}

const DEFAULTS: SyntheticImagesOptions = {
  count: 2000,
  height: 32,
  width: 32,
  channels: 3,
  seed: 1,
  perFolder: 1000,
  concurrency: 16,
};

/**
 * Raw HWC pixels of synthetic image `index`: smooth gradients and blobs with
 * per-image colour balance plus noise, so the covariance has structure.
 */
export function syntheticPixels(
  index: number,
  o: Pick<SyntheticImagesOptions, "height" | "width" | "channels" | "seed">,
): Uint8Array {
  let s = (o.seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const { height: h, width: w, channels: c } = o;
  const cx = rand() * w;
  const cy = rand() * h;
  const radius = 2 + rand() * Math.max(h, w) * 0.4;
  const tint = Array.from({ length: c }, () => 0.5 + rand());
  const angle = rand() * Math.PI * 2;
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const grad = ((x * Math.cos(angle) + y * Math.sin(angle)) / Math.max(h, w) + 1) * 60;
      const blob = Math.hypot(x - cx, y - cy) < radius ? 80 : 0;
      for (let ch = 0; ch < c; ch++) {
        const v = ch === 3 ? 128 + rand() * 127 : (grad + blob) * tint[ch]! + rand() * 40;
        out[(y * w + x) * c + ch] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** The relative path of synthetic image `index`. */
export function syntheticKey(index: number, perFolder: number): string {
  const file = `img-${String(index).padStart(7, "0")}.png`;
  return perFolder > 0
    ? `class-${String(Math.floor(index / perFolder)).padStart(4, "0")}/${file}`
    : file;
}

/** Writes `count` deterministic PNGs under `dir`; returns their relative paths. */
export async function writeSyntheticImages(
  dir: string,
  options: Partial<SyntheticImagesOptions> = {},
): Promise<string[]> {
  const o = { ...DEFAULTS, ...options };
  const keys = Array.from({ length: o.count }, (_, i) => syntheticKey(i, o.perFolder));
  const sharp = await loadSharp();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.count) {
      const i = next++;
      const file = path.join(dir, keys[i]!);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const raw = syntheticPixels(i, o);
      await sharp(raw, { raw: { width: o.width, height: o.height, channels: o.channels } })
        .png({ compressionLevel: 6 })
        .toFile(file);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return keys;
}
