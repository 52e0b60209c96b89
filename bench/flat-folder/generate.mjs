// Writes COUNT deterministic 32x32 PNGs into one flat folder, and the same
// files (hard links) in 100 subfolders of 1,000: the two layouts of the flat-
// folder bench (issue 13). usage: node bench/flat-folder/generate.mjs [dir] [count]
import { promises as fs } from "node:fs";
import path from "node:path";
import { syntheticKey, writeSyntheticImages } from "@featurewise/dataset";

const root = process.argv[2] ?? "/tmp/fw-flat-bench";
const count = Number(process.argv[3] ?? 100_000);
const flat = path.join(root, "flat");
const sub = path.join(root, "sub");
const started = Date.now();
await writeSyntheticImages(flat, { count, perFolder: 0 });
for (let i = 0; i < count; i++) {
  const to = path.join(sub, syntheticKey(i, 1000));
  if (i % 1000 === 0) await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.link(path.join(flat, syntheticKey(i, 0)), to);
}
console.log(`${count} PNGs in ${flat} and ${sub} (hard links), ${(Date.now() - started) / 1000} s`);
