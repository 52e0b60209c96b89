// CPU an image of decoding alone, on this thread, stage by stage, then through the
// DecodePool (whole process, startup excluded): what predict pays per PNG to decode.
// usage: node bench/decode-cost.mjs [dir] [--rounds 3]. Needs `npm run build`.
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { inflateSync } from "node:zlib";
import { decodeImage, DecodePool } from "@featurewise/dataset";

const { values: args, positionals } = parseArgs({
  options: { rounds: { type: "string", default: "3" } },
  allowPositionals: true,
});
const dir = positionals[0] ?? "bench/data/png-20000-32";
const files = readdirSync(dir, { recursive: true })
  .filter((f) => String(f).endsWith(".png"))
  .map((f) => path.resolve(dir, String(f)));
const settings = { colorMode: "rgb", targetSize: null, interpolation: "nearest" };
const buf = Buffer.allocUnsafe(1 << 16);
const read = (f) => {
  const fd = openSync(f, "r");
  try {
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
};
/** CPU µs a file of `fn` over every file (user + system of this process). */
async function cost(fn) {
  const c0 = process.cpuUsage();
  for (const f of files) await fn(f);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / files.length;
}
/** The first IDAT chunk's data (the synthetic PNGs have one). */
const idat = (b) => {
  const at = b.indexOf("IDAT");
  return b.subarray(at + 4, at + 4 + b.readUInt32BE(at - 4));
};
const rows = { read: [], "read+inflateSync": [], "read+decodeImage": [], pool: [] };
for (let round = 0; round < Number(args.rounds); round++) {
  rows.read.push(await cost((f) => read(f)));
  rows["read+inflateSync"].push(await cost((f) => inflateSync(idat(read(f)))));
  rows["read+decodeImage"].push(await cost((f) => decodeImage(read(f), settings)));
  const pool = new DecodePool();
  await pool.decodeMany(files.slice(0, 64), settings); // started and warm
  const c0 = process.cpuUsage();
  const pending = [];
  for (let i = 0; i < files.length; i += 32) {
    pending.push(pool.decodeMany(files.slice(i, i + 32), settings));
    if (pending.length >= 4) await pending.shift();
  }
  await Promise.all(pending);
  const c = process.cpuUsage(c0);
  await pool.close();
  rows.pool.push((c.user + c.system) / files.length);
}
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
console.log(
  `decode cost, ${files.length} files of ${dir}, CPU µs a file (median of ${args.rounds}; rounds)`,
);
for (const [k, v] of Object.entries(rows))
  console.log(
    `${k.padEnd(20)} ${median(v).toFixed(1).padStart(7)}  (${v.map((x) => x.toFixed(1)).join(", ")})`,
  );
