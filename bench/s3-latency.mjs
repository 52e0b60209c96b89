// Fit throughput when every S3 request takes a fixed extra time, as a real
// object store's time to first byte (~30 ms) does.
//
//   npx turbo run build && node bench/s3-latency.mjs [--count 20000] [--delay 30] \
//     [--repeat 2] [--concurrency 64] [--timeline]
//     [--cases local,direct,cached0,prefix,cached,tar,list,predict-local,predict-cached,predict-prefix]
//
// Writes `count` deterministic 32x32 PNGs (cached in the temp folder, shared
// with bench/s3-throughput.mjs), starts s3rver 3.7.1 on 127.0.0.1 in a child
// process (its data cached too: the 20,000 uploads happen once), puts the
// images under a prefix and as WebDataset tars of 1,000, and puts
// test/helpers/latency-proxy.mjs in front of it, adding `delay` ms to every
// request. Then runs `featurewise fit --std` through the CLI on: the local
// folder, the prefix straight from s3rver, the prefix and the tars through
// the proxy (`--timeline`: GETs in flight every 250 ms, and when each
// listing page was asked for) (once per `--concurrency` value, a comma list, passed as
// FEATUREWISE_S3_CONCURRENCY), the prefix through a second proxy that
// answers repeated GETs from memory ("cached": s3rver's ~1 ms of CPU per
// GET, which a real store spends on its own machines, taken off these
// cores; the listing still goes to s3rver), and lists the prefix alone.
// Prints images/s (best of `repeat`), the GETs the proxy saw in flight
// (time-weighted mean and max), and the ratio against
// min(local-folder rate, concurrency / delay). The predict cases run
// `featurewise predict` (fixtures/models/cifar-cnn, the artifact of a
// `fit --std` of the local folder, Parquet parts in a local folder) on the
// local folder, the prefix through the caching proxy and the prefix through
// the plain proxy; their ratio is against min(predict on the local folder,
// concurrency / delay). Only 127.0.0.1 is contacted.
import { spawn } from "node:child_process";
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodeTar, writeSyntheticImages } from "@featurewise/dataset";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { startLatencyProxy } from "../test/helpers/latency-proxy.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    delay: { type: "string", default: "30" },
    repeat: { type: "string", default: "2" },
    concurrency: { type: "string", default: "64" },
    cases: {
      type: "string",
      default: "local,direct,cached0,prefix,cached,tar,list,predict-local,predict-cached",
    },
    timeline: { type: "boolean", default: false },
  },
});
const count = Number(args.count);
const delayMs = Number(args.delay);
const repeat = Number(args.repeat);
const concurrencies = args.concurrency.split(",").map(Number);
const cases = new Set(args.cases.split(","));
const perTar = 1000;
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(" ");
console.log(`cores: ${os.cpus().length}, load average at start: ${load()}`);

const images = path.join(os.tmpdir(), `featurewise-bench-png-${count}`);
if (!existsSync(path.join(images, ".complete"))) {
  console.log(`writing ${count} synthetic 32x32 PNGs to ${images} ...`);
  rmSync(images, { recursive: true, force: true });
  await writeSyntheticImages(images, { count });
  writeFileSync(path.join(images, ".complete"), "");
}
const keys = Array.from(
  { length: count },
  (_, i) =>
    `class-${String(Math.floor(i / 1000)).padStart(4, "0")}/img-${String(i).padStart(7, "0")}.png`,
);
const work = mkdtempSync(path.join(os.tmpdir(), "featurewise-latency-"));
const localImages = path.join(work, "images");
mkdirSync(localImages);
for (const dir of new Set(keys.map((k) => k.split("/")[0]))) {
  // Hard links: the local folder holds the images and nothing else (no marker).
  mkdirSync(path.join(localImages, dir));
}
for (const key of keys) linkSync(path.join(images, key), path.join(localImages, key));

const s3Data = path.join(os.tmpdir(), `featurewise-bench-s3rver-${count}`);
const uploaded = existsSync(`${s3Data}.complete`);
if (!uploaded) rmSync(s3Data, { recursive: true, force: true });
const child = spawn(
  process.execPath,
  ["--openssl-legacy-provider", path.join(root, "test/helpers/s3rver-child.mjs"), s3Data, "bench"],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const port = await new Promise((resolve) =>
  createInterface({ input: child.stdout }).once("line", (l) => resolve(JSON.parse(l).port)),
);
const proxy = await startLatencyProxy(port, { delayMs });
const cachingProxy = await startLatencyProxy(port, { delayMs, cacheGets: true });
// The same without the delay: what reading over HTTP costs these cores (the ceiling with latency).
const noDelayProxy = await startLatencyProxy(port, { delayMs: 0, cacheGets: true });
const envFor = (endpoint, concurrency = 64) => ({
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_EC2_METADATA_DISABLED: "true",
  FEATUREWISE_S3_CONCURRENCY: String(concurrency),
});
const direct = envFor(`http://127.0.0.1:${port}`);
process.env.AWS_ACCESS_KEY_ID = "S3RVER";
process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";

const tarCount = Math.ceil(count / perTar);
if (!uploaded) {
  const storage = new Storage(readStorageConfig(direct));
  console.log(`uploading ${count} objects and ${tarCount} tars to s3rver (once) ...`);
  const t = performance.now();
  const prefix = storage.open("s3://bench/images");
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const key = keys[next++];
        await prefix.put(key, readFileSync(path.join(images, key)));
      }
    }),
  );
  const tars = storage.open("s3://bench/wds");
  for (let s = 0; s < tarCount; s++) {
    const members = keys.slice(s * perTar, (s + 1) * perTar).map((key) => ({
      name: key.replace(/\.png$/, "").replace("/", "_") + ".png",
      data: readFileSync(path.join(images, key)),
    }));
    await tars.put(`shard-${String(s).padStart(6, "0")}.tar`, encodeTar(members));
  }
  storage.close();
  writeFileSync(`${s3Data}.complete`, "");
  console.log(`uploaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** Runs the CLI without blocking this process (the proxy lives here). */
function cli(argv, env) {
  return new Promise((resolve, reject) => {
    const run = spawn(path.join(root, "packages/cli/bin/featurewise.js"), argv, {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    run.stdout.on("data", (c) => (stdout += c));
    run.stderr.on("data", (c) => (stderr += c));
    run.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`${argv.join(" ")}: ${stderr}`)),
    );
  });
}

function fit(source, env, out) {
  return cli(
    ["fit", source, "--std", "--out", out, "--images-per-shard", String(perTar), "--json"],
    env,
  );
}

const predictModel = path.join(root, "fixtures/models/cifar-cnn/model.onnx");
let predictStats = null;
/** `featurewise predict` of `source` with the artifact of a local fit (made once). */
async function predict(source, env, out) {
  if (predictStats === null) {
    predictStats = path.join(work, "predict-stats");
    await fit(localImages, direct, predictStats);
  }
  const r = await cli(
    ["predict", source, "--model", predictModel, "--stats", predictStats, "--out", out].concat([
      "--images-per-shard",
      String(perTar),
      "--device",
      "cpu",
      "--json",
    ]),
    env,
  );
  return { ...r, seconds: r.seconds ?? r.n / r.imagesPerSecond };
}

for (const [p, wanted] of [
  [cachingProxy, cases.has("cached") || cases.has("predict-cached")],
  [noDelayProxy, cases.has("cached0")],
]) {
  if (!wanted) continue;
  const t = performance.now();
  const storage = new Storage(readStorageConfig(envFor(p.endpoint, 256)));
  const store = storage.open("s3://bench/images");
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < count) await store.get(keys[next++]);
    }),
  );
  storage.close();
  console.log(
    `caching proxy (+${p.delayMs} ms) warmed with ${p.cached()} objects in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}

const range = `{000000..${String(tarCount - 1).padStart(6, "0")}}`;
const runs = [];
if (cases.has("local")) runs.push({ name: "local folder", source: localImages, env: direct });
if (cases.has("direct"))
  runs.push({ name: "s3rver prefix, direct", source: "s3://bench/images", env: direct });
if (cases.has("cached0"))
  runs.push({
    name: "cached+0ms prefix",
    source: "s3://bench/images",
    env: envFor(noDelayProxy.endpoint, 64),
    proxy: noDelayProxy,
  });
for (const c of concurrencies) {
  const env = envFor(proxy.endpoint, c);
  if (cases.has("prefix"))
    runs.push({ name: `s3rver+${delayMs}ms prefix`, source: "s3://bench/images", env, c, proxy });
  if (cases.has("cached"))
    runs.push({
      name: `cached+${delayMs}ms prefix`,
      source: "s3://bench/images",
      env: envFor(cachingProxy.endpoint, c),
      c,
      proxy: cachingProxy,
    });
  if (cases.has("tar"))
    runs.push({
      name: `s3rver+${delayMs}ms tars`,
      source: `s3://bench/wds/shard-${range}.tar`,
      env,
      c,
      proxy,
      perGet: perTar,
    });
}

if (cases.has("predict-local"))
  runs.push({ name: "predict local folder", source: localImages, env: direct, predict: true });
for (const c of concurrencies) {
  if (cases.has("predict-cached"))
    runs.push({
      name: `predict cached+${delayMs}ms`,
      source: "s3://bench/images",
      env: envFor(cachingProxy.endpoint, c),
      c,
      proxy: cachingProxy,
      predict: true,
    });
  if (cases.has("predict-prefix"))
    runs.push({
      name: `predict s3rver+${delayMs}ms`,
      source: "s3://bench/images",
      env: envFor(proxy.endpoint, c),
      c,
      proxy,
      predict: true,
    });
}

const results = [];
for (const r of runs) {
  let best = null;
  for (let i = 0; i < repeat; i++) {
    r.proxy?.reset();
    const out = path.join(work, `out-${results.length}-${i}`);
    const summary = await (r.predict ? predict : fit)(r.source, r.env, out);
    const gets = {
      mean: r.proxy?.meanInFlight("get") ?? 0,
      max: r.proxy?.maxInFlight.get ?? 0,
      lists: r.proxy?.count("list") ?? 0,
    };
    if (args.timeline && r.proxy !== undefined) {
      const samples = r.proxy.inFlightOverTime("get", 250);
      const firstGet = r.proxy.requests.find((q) => q.kind === "get")?.start ?? 0;
      const lists = r.proxy.requests.filter((q) => q.kind === "list");
      console.log(`  GETs in flight every 250 ms: ${samples.join(" ")}`);
      console.log(
        `  list pages asked at (s after the first GET): ${lists.map((q) => ((q.start - firstGet) / 1000).toFixed(2)).join(" ")}`,
      );
    }
    if (best === null || summary.imagesPerSecond > best.imagesPerSecond) {
      best = { ...summary, gets, load: os.loadavg()[0] };
    }
  }
  results.push({ ...r, ...best });
  const local = results.find(
    (x) => x.name === (r.predict ? "predict local folder" : "local folder"),
  );
  const http = results.find((x) => x.name === "cached+0ms prefix");
  // A tar is one GET for `perGet` images.
  const ceiling =
    r.c === undefined
      ? null
      : Math.min(local?.imagesPerSecond ?? Infinity, ((r.perGet ?? 1) * r.c) / (delayMs / 1000));
  console.log(
    `${r.name.padEnd(24)} ${r.c === undefined ? "      " : `c=${String(r.c).padEnd(4)}`} ${String(best.n).padStart(6)} images ` +
      `${best.imagesPerSecond.toFixed(0).padStart(6)} images/s (${r.predict ? "predict" : "fit"} ${best.seconds.toFixed(2)} s)` +
      (r.proxy === undefined
        ? ""
        : `; GETs in flight mean ${best.gets.mean.toFixed(1)}, max ${best.gets.max}, ${best.gets.lists} list pages`) +
      (ceiling === null
        ? ""
        : `; ÷ min(local, ${r.perGet === undefined ? "" : `${r.perGet}·`}c/${delayMs}ms) = ${(best.imagesPerSecond / ceiling).toFixed(2)}` +
          (http === undefined || r.perGet !== undefined || r.predict
            ? ""
            : `, ÷ min(cached+0ms, c/${delayMs}ms) = ${(best.imagesPerSecond / Math.min(http.imagesPerSecond, r.c / (delayMs / 1000))).toFixed(2)}`)) +
      ` [load ${best.load.toFixed(1)}]`,
  );
}

if (cases.has("list")) {
  for (const [name, env] of [
    ["direct", direct],
    [`+${delayMs}ms`, envFor(proxy.endpoint)],
  ]) {
    const storage = new Storage(readStorageConfig(env));
    const seconds = [];
    for (let i = 0; i < repeat; i++) {
      const t = performance.now();
      let n = 0;
      for await (const item of storage.open("s3://bench/images").list()) n += item.size > 0 ? 1 : 0;
      seconds.push((performance.now() - t) / 1000);
      if (n !== count) throw new Error(`listed ${n} keys, expected ${count}`);
    }
    storage.close();
    const best = Math.min(...seconds);
    console.log(
      `listing ${count} keys (${Math.ceil(count / 1000)} pages) ${name}: ${best.toFixed(2)} s ` +
        `(${((1000 * best) / Math.ceil(count / 1000)).toFixed(0)} ms a page) [load ${os.loadavg()[0].toFixed(1)}]`,
    );
  }
}
console.log(`load average at end: ${load()}`);
await proxy.stop();
await cachingProxy.stop();
await noDelayProxy.stop();
child.stdin.end();
rmSync(work, { recursive: true, force: true });
