// Deterministic photo-like JPEGs for the 224x224 bench (issue 13): 500x375 (every fourth one
// 375x500, portrait), quality 90, 4:2:0 chroma like a camera or Pillow's default. Each is a sky-
// like gradient, a few octaves of smooth value noise (the low frequencies of a scene), hard-edged
// ellipses and bands (objects, horizons) and fine grain, so JPEG spends its bits as on a photo
// (~40-70 kB each, against ~10 kB for a flat synthetic image). Not real photos: decode and resample
// cost depend on size and entropy, which these have.
// usage: node bench/photos.mjs DIR [COUNT=3000]   (module: writePhotoLikeJpegs)
import { promises as fs } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";

/** mulberry32: a small seeded generator, so the same index gives the same photo. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Adds one octave of bilinear value noise (a cell x cell grid of random levels) to `acc`. */
function addNoiseOctave(acc, w, h, cell, amplitude, rand) {
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const grid = new Float32Array(gw * gh * 3);
  for (let i = 0; i < grid.length; i++) grid[i] = (rand() - 0.5) * amplitude;
  for (let y = 0; y < h; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    for (let x = 0; x < w; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const a = (y0 * gw + x0) * 3;
      const b = a + gw * 3;
      for (let c = 0; c < 3; c++) {
        const top = grid[a + c] * (1 - fx) + grid[a + 3 + c] * fx;
        const bottom = grid[b + c] * (1 - fx) + grid[b + 3 + c] * fx;
        acc[(y * w + x) * 3 + c] += top * (1 - fy) + bottom * fy;
      }
    }
  }
}

/** HWC RGB pixels of photo `index` (width x height). */
export function photoPixels(index, width, height, seed = 1) {
  const rand = rng(seed * 0x9e3779b1 + index * 0x85ebca6b);
  const acc = new Float32Array(width * height * 3);
  const top = [rand() * 120 + 100, rand() * 120 + 110, rand() * 80 + 170];
  const bottom = [rand() * 140 + 30, rand() * 120 + 40, rand() * 100 + 20];
  const horizon = height * (0.3 + rand() * 0.4);
  for (let y = 0; y < height; y++) {
    const t = Math.min(1, y / horizon);
    for (let x = 0; x < width; x++) {
      const ground = y > horizon;
      for (let c = 0; c < 3; c++) {
        acc[(y * width + x) * 3 + c] = ground ? bottom[c] : top[c] * (1 - 0.3 * t);
      }
    }
  }
  for (const [cell, amp] of [
    [160, 90],
    [48, 50],
    [12, 28],
    [3, 14],
  ]) {
    addNoiseOctave(acc, width, height, cell, amp, rand);
  }
  for (let k = 0, shapes = 3 + Math.floor(rand() * 6); k < shapes; k++) {
    const cx = rand() * width;
    const cy = rand() * height;
    const rx = 10 + rand() * width * 0.25;
    const ry = 10 + rand() * height * 0.25;
    const colour = [rand() * 255, rand() * 255, rand() * 255];
    const y0 = Math.max(0, Math.floor(cy - ry));
    const y1 = Math.min(height, Math.ceil(cy + ry));
    for (let y = y0; y < y1; y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(width, cx + rx); x++) {
        const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
        if (d > 1) continue;
        const shade = 1 - 0.4 * d;
        for (let c = 0; c < 3; c++) {
          const i = (y * width + x) * 3 + c;
          acc[i] = acc[i] * 0.25 + colour[c] * shade * 0.75;
        }
      }
    }
  }
  const out = new Uint8Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const v = acc[i] + (rand() - 0.5) * 10;
    out[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  return out;
}

/** The file name of photo `index`, in one flat folder as COCO's train2017. */
export function photoKey(index) {
  return `photo-${String(index).padStart(6, "0")}.jpg`;
}

/** Writes `count` photo-like JPEGs into `dir` (skips those already there); returns their names. */
export async function writePhotoLikeJpegs(dir, { count = 3000, seed = 1, quality = 90 } = {}) {
  await fs.mkdir(dir, { recursive: true });
  const names = Array.from({ length: count }, (_, i) => photoKey(i));
  let next = 0;
  const writeNext = async () => {
    for (let i = next++; i < count; i = next++) {
      const file = path.join(dir, names[i]);
      const exists = await fs.stat(file).then(
        () => true,
        () => false,
      );
      if (exists) continue;
      const [width, height] = i % 4 === 3 ? [375, 500] : [500, 375];
      const pixels = photoPixels(i, width, height, seed);
      const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
        .jpeg({ quality, chromaSubsampling: "4:2:0" })
        .toBuffer();
      await fs.writeFile(`${file}.tmp`, jpeg);
      await fs.rename(`${file}.tmp`, file);
    }
  };
  await Promise.all(Array.from({ length: 4 }, writeNext));
  return names;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = process.argv[2] ?? "bench/data/photos-3000";
  const count = Number(process.argv[3] ?? 3000);
  const t0 = Date.now();
  await writePhotoLikeJpegs(dir, { count });
  console.log(`${count} photo-like JPEGs in ${dir}, ${(Date.now() - t0) / 1000} s`);
}
