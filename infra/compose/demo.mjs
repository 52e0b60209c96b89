// The compose file's one-shot `demo`: writes deterministic 32x32 PNGs to the
// shared data volume, then through the API (`featurewise serve`) fits
// mean/std statistics on them and predicts them with the small CIFAR-shaped
// CNN the repository ships, waiting for each run to succeed. Settings come
// from the environment the compose file gives it; runs from
// /app/infra/compose in the image, from the repository in tests.
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeSyntheticImages } from "@featurewise/dataset";

function setting(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`demo: ${name} is not set`);
    process.exit(2);
  }
  return value;
}
const api = setting("FEATUREWISE_API_URL").replace(/\/$/, "");
const token = readFileSync(setting("FEATUREWISE_API_TOKEN_FILE"), "utf8").trim();
const dir = setting("FEATUREWISE_DEMO_DIR");
const outputs = setting("FEATUREWISE_DEMO_OUT").replace(/\/$/, "");
const model = setting("FEATUREWISE_DEMO_MODEL");
const count = Number(process.env.FEATUREWISE_DEMO_IMAGES ?? "2000");
const timeoutMs = Number(process.env.FEATUREWISE_DEMO_TIMEOUT_MS ?? "600000");
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, route, body) {
  const res = await fetch(`${api}${route}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`demo: ${method} ${route}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Submits a run and polls it until it ends; returns its last record. */
async function run(kind, body) {
  const { id } = await call("POST", `/v1/${kind}`, body);
  console.log(`demo: ${kind} ${id} submitted`);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const record = await call("GET", `/v1/${kind}/${id}`);
    if (record.state === "succeeded") return record;
    if (record.state === "failed" || record.state === "cancelled")
      throw new Error(
        `demo: ${kind} ${id} ${record.state}: ${JSON.stringify(record.failure ?? record)}`,
      );
    if (Date.now() > end)
      throw new Error(`demo: ${kind} ${id} still ${record.state} after ${timeoutMs} ms`);
    await sleep(500);
  }
}

const images = path.join(dir, "images");
console.log(`demo: writing ${count} deterministic 32x32 PNGs to ${images}`);
await writeSyntheticImages(images, { count });

const ready = Date.now() + 120_000;
for (;;) {
  const res = await fetch(`${api}/v1/ready`).catch(() => null);
  if (res?.ok) break;
  if (Date.now() > ready) throw new Error(`demo: ${api}/v1/ready did not answer 200 within 120 s`);
  await sleep(1000);
}

const stats = `${outputs}/stats`;
// The API takes fit's flags in camelCase (docs/serve.md).
const fit = await run("fits", {
  source: images,
  out: stats,
  std: true,
  rescale: "1/255",
});
console.log(`demo: fit done: n=${fit.n ?? "?"}, artifact ${stats}`);
const predictions = `${outputs}/predictions`;
await run("predictions", { source: images, model, stats, out: predictions, topK: 3 });
console.log(`demo: predictions done: ${predictions}`);
