// Fit throughput from s3rver vs. the same fit from a local folder.
//
//   npx turbo run build && node bench/s3-throughput.mjs [--count 10000] [--repeat 2]
//
// Writes `count` deterministic 32x32 PNGs (cached in the temp folder), starts
// s3rver 3.7.1 on 127.0.0.1 in a child process, uploads the images both as
// objects under a prefix and as WebDataset tars (1,000 images each), then runs
// the same `featurewise fit --std` through the CLI on: the local folder, the
// S3 prefix, the S3 tars and the local tars. Reports the best of `repeat`
// runs of each (the fit's own images/s and the process wall time) and checks
// that all four give bit-identical statistics. Only 127.0.0.1 is contacted.
// Also reports the CPU each image cost in the fit process and in s3rver
// (from /proc), which other load on the machine disturbs far less than the
// images/s.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodeTar, writeSyntheticImages } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    repeat: { type: "string", default: "2" },
  },
});
const count = Number(args.count);
const repeat = Number(args.repeat);
const perTar = 1000;

const images = path.join(os.tmpdir(), `featurewise-bench-png-${count}`);
if (!existsSync(path.join(images, ".complete"))) {
  console.log(`writing ${count} synthetic 32x32 PNGs to ${images} ...`);
  rmSync(images, { recursive: true, force: true });
  await writeSyntheticImages(images, { count });
  writeFileSync(path.join(images, ".complete"), "");
}
// The marker is not an image: keep it out of the fit by listing from a sub-folder view.
const keys = Array.from(
  { length: count },
  (_, i) =>
    `class-${String(Math.floor(i / 1000)).padStart(4, "0")}/img-${String(i).padStart(7, "0")}.png`,
);
const work = mkdtempSync(path.join(os.tmpdir(), "featurewise-bench-"));
const localImages = path.join(work, "images");
const localTars = path.join(work, "tars");
mkdirSync(localTars);
spawnSync("cp", ["-r", images, localImages]);
rmSync(path.join(localImages, ".complete"));

// s3rver in its own process: its DES continuation tokens need the legacy OpenSSL provider.
const child = spawn(
  process.execPath,
  [
    "--openssl-legacy-provider",
    path.join(root, "test/helpers/s3rver-child.mjs"),
    path.join(work, "s3rver"),
    "bench",
  ],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const port = await new Promise((resolve) =>
  createInterface({ input: child.stdout }).once("line", (l) => resolve(JSON.parse(l).port)),
);
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
};
process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
const storage = new Storage(readStorageConfig(env));

console.log(
  `uploading ${count} objects and ${Math.ceil(count / perTar)} tars to s3rver on port ${port} ...`,
);
let t = performance.now();
const prefix = storage.open("s3://bench/images");
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < count) {
      const key = keys[next++];
      await prefix.put(key, readFileSync(path.join(localImages, key)));
    }
  }),
);
const tars = storage.open("s3://bench/wds");
const tarCount = Math.ceil(count / perTar);
for (let s = 0; s < tarCount; s++) {
  const members = keys.slice(s * perTar, (s + 1) * perTar).map((key) => ({
    name: key.replace(/\.png$/, "").replace("/", "_") + ".png",
    data: readFileSync(path.join(localImages, key)),
  }));
  const name = `shard-${String(s).padStart(6, "0")}.tar`;
  const bytes = encodeTar(members);
  writeFileSync(path.join(localTars, name), bytes);
  await tars.put(name, bytes);
}
console.log(`uploaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
storage.close();

const range = `{000000..${String(tarCount - 1).padStart(6, "0")}}`;
const cases = [
  ["local folder", localImages],
  ["s3rver prefix", "s3://bench/images"],
  ["s3rver WebDataset tars", `s3://bench/wds/shard-${range}.tar`],
  ["local WebDataset tars", path.join(localTars, `shard-${range}.tar`)],
];
/** CPU seconds (user + system) from a /proc stat line: the process's own, or its waited-for children's. */
const cpuOf = (pid, children = false) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const [u, s] = children ? [f[13], f[14]] : [f[11], f[12]];
  return (Number(u) + Number(s)) / 100; // USER_HZ
};
const results = [];
for (const [name, source] of cases) {
  let best = null;
  for (let r = 0; r < repeat; r++) {
    const out = path.join(work, `out-${results.length}-${r}`);
    const cpu0 = { fit: cpuOf("self", true), s3rver: cpuOf(child.pid) };
    t = performance.now();
    const run = spawnSync(
      path.join(root, "packages/cli/bin/featurewise.js"),
      ["fit", source, "--std", "--out", out, "--images-per-shard", String(perTar), "--json"],
      { env, encoding: "utf8" },
    );
    const wall = (performance.now() - t) / 1000;
    const cpu = {
      fit: cpuOf("self", true) - cpu0.fit,
      s3rver: cpuOf(child.pid) - cpu0.s3rver,
    };
    if (run.status !== 0) throw new Error(`${name}: fit failed: ${run.stderr}`);
    const summary = JSON.parse(run.stdout);
    if (best === null || summary.imagesPerSecond > best.imagesPerSecond) {
      best = {
        ...summary,
        wall,
        cpu,
        std: readFileSync(path.join(out, "std.npy")),
        mean: readFileSync(path.join(out, "mean.npy")),
      };
    }
  }
  results.push({ name, ...best });
  console.log(
    `${name.padEnd(24)} ${String(best.n).padStart(6)} images  ${best.imagesPerSecond.toFixed(0).padStart(6)} images/s  ` +
      `(fit ${best.seconds.toFixed(2)} s, process ${best.wall.toFixed(2)} s; CPU/image: ` +
      `fit process ${((1000 * best.cpu.fit) / best.n).toFixed(3)} ms, s3rver ${((1000 * best.cpu.s3rver) / best.n).toFixed(3)} ms)`,
  );
}
const [local, s3] = results;
const identical = results.every((r) => r.std.equals(local.std) && r.mean.equals(local.mean));
console.log(`statistics bit-identical across all four: ${identical}`);
console.log(
  `s3rver prefix / local folder: ${(s3.imagesPerSecond / local.imagesPerSecond).toFixed(2)}`,
);
console.log(
  `s3rver tars / local folder: ${(results[2].imagesPerSecond / local.imagesPerSecond).toFixed(2)}`,
);
console.log(
  `cores: ${os.cpus().length}, load average: ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
child.stdin.end();
rmSync(work, { recursive: true, force: true });
if (!identical) process.exitCode = 1;
