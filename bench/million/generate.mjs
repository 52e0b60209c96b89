// COUNT distinct 8x8 RGB PNGs for the million-image bench (issue 13), in folders of 1,000
// (`class-0000/img-0000000.png`, the layout of writeSyntheticImages). One small PNG writer, no
// sharp: filter 0 rows deflated by node's zlib, CRC-32 from zlib.crc32. Every file differs: its
// pixels come from a seeded generator of its index (no hard links, no cycled copies).
// Skips a folder that is already complete, so a 100,000 set grows into a 1,000,000 one.
// usage: node bench/million/generate.mjs DIR COUNT [PART/PARTS]  (PART: this process writes every
// PARTS-th folder from PART, so several processes can share the writing)
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { syntheticKey } from "@featurewise/dataset";

const SIZE = 8;
const PER_FOLDER = 1000;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const IHDR = chunk(
  "IHDR",
  Buffer.from([0, 0, 0, SIZE, 0, 0, 0, SIZE, 8, 2, 0, 0, 0]), // 8-bit RGB, no interlace
);
const IEND = chunk("IEND", Buffer.alloc(0));

/** The PNG of image `index`: a per-image colour ramp plus noise, all from a seeded generator. */
export function tinyPng(index) {
  let s = (index * 0x9e3779b1 + 0x7f4a7c15) >>> 0;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) & 0xff;
  };
  const base = [rand(), rand(), rand()];
  const raw = Buffer.alloc(SIZE * (1 + 3 * SIZE));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + 3 * SIZE); // filter byte 0 (None)
    for (let x = 0; x < SIZE; x++) {
      for (let c = 0; c < 3; c++) {
        raw[row + 1 + 3 * x + c] = (base[c] + 8 * (x + y) + (rand() & 31)) & 0xff;
      }
    }
  }
  return Buffer.concat([SIGNATURE, IHDR, chunk("IDAT", zlib.deflateSync(raw)), IEND]);
}

const dir = process.argv[2] ?? "/tmp/fw-million";
const count = Number(process.argv[3] ?? 1_000_000);
const [part, parts] = (process.argv[4] ?? "0/1").split("/").map(Number);
const started = Date.now();
let written = 0;
for (let first = part * PER_FOLDER; first < count; first += parts * PER_FOLDER) {
  const folder = path.join(dir, path.dirname(syntheticKey(first, PER_FOLDER)));
  const last = Math.min(count, first + PER_FOLDER);
  if (existsSync(folder) && readdirSync(folder).length === last - first) continue;
  mkdirSync(folder, { recursive: true });
  for (let i = first; i < last; i++) {
    writeFileSync(path.join(dir, syntheticKey(i, PER_FOLDER)), tinyPng(i));
    written++;
  }
}
console.log(`${count} 8x8 PNGs in ${dir} (${written} written), ${(Date.now() - started) / 1000} s`);
