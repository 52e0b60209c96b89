// The CLI's submitting side (`fit --redis-url`, `status`, `cancel`) loads
// `@featurewise/fit/cluster/client`, which must stay light: BullMQ's Queue
// class alone, and nothing of the worker side (workers, flows, sandboxes,
// the job-kind registry), the pipeline or decoding (docs/DEVELOPING.md,
// "Benchmarking here"). Runs the built packages (`npx turbo run build` first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "fw-light-client-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The ES modules (URLs) and CommonJS files that importing `specifier` loads. */
function loadedBy(specifier: string): { esm: string[]; cjs: string[] } {
  const out = path.join(work, `${specifier.replaceAll("/", "_")}.txt`);
  const script = `
    import { createRequire } from "node:module";
    await import(${JSON.stringify(specifier)});
    const cache = createRequire(import.meta.url).cache;
    process.stdout.write(JSON.stringify(Object.keys(cache)));`;
  const r = spawnSync(
    process.execPath,
    ["--import", "./test/helpers/load-trace.mjs", "--input-type=module", "-e", script],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, LOAD_TRACE_OUT: out } },
  );
  expect(r.status, r.stderr).toBe(0);
  const esm = readFileSync(out, "utf8").split("\n").filter(Boolean);
  return { esm, cjs: JSON.parse(r.stdout) as string[] };
}

const slash = (p: string): string => p.split(path.sep).join("/");

describe("@featurewise/fit/cluster/client stays light", () => {
  it("loads BullMQ's Queue class alone and no worker side, pipeline or decoding", () => {
    const { esm, cjs } = loadedBy("@featurewise/fit/cluster/client");
    const files = [...esm.map((u) => (u.startsWith("file:") ? fileURLToPath(u) : u)), ...cjs].map(
      slash,
    );
    const loaded = (part: string): boolean => files.some((f) => f.includes(part));
    expect(loaded("packages/fit/dist/cluster/client.js")).toBe(true);
    expect(loaded("packages/queue/dist/client.js")).toBe(true);
    expect(loaded("bullmq/dist/cjs/classes/queue.js")).toBe(true);
    for (const heavy of [
      "bullmq/dist/cjs/index.js",
      "bullmq/dist/cjs/classes/worker.js",
      "bullmq/dist/cjs/classes/flow-producer.js",
      "packages/queue/dist/index.js",
      "packages/queue/dist/cluster-worker.js",
      "packages/queue/dist/job-registry.js",
      "packages/fit/dist/index.js",
      "packages/fit/dist/cluster/fit-job-kinds.js",
      "packages/pipeline/",
      "packages/linalg/",
      "packages/dataset/dist/index.js",
      "/sharp/",
    ]) {
      expect(loaded(heavy), `${heavy} is loaded`).toBe(false);
    }
  });
});

describe("@featurewise/predict/cluster/client stays light", () => {
  it("loads BullMQ's Queue class alone: no model runtime, worker side, pipeline or decoding", () => {
    const { esm, cjs } = loadedBy("@featurewise/predict/cluster/client");
    const files = [...esm.map((u) => (u.startsWith("file:") ? fileURLToPath(u) : u)), ...cjs].map(
      slash,
    );
    const loaded = (part: string): boolean => files.some((f) => f.includes(part));
    expect(loaded("packages/predict/dist/cluster/client.js")).toBe(true);
    expect(loaded("bullmq/dist/cjs/classes/queue.js")).toBe(true);
    for (const heavy of [
      "bullmq/dist/cjs/index.js",
      "bullmq/dist/cjs/classes/worker.js",
      "bullmq/dist/cjs/classes/flow-producer.js",
      "packages/queue/dist/index.js",
      "packages/predict/dist/index.js",
      "packages/predict/dist/cluster/predict-job-kinds.js",
      "onnxruntime-node",
      "@tensorflow/",
      "packages/pipeline/",
      "packages/linalg/",
      "packages/dataset/dist/index.js",
      "/sharp/",
    ]) {
      expect(loaded(heavy), `${heavy} is loaded`).toBe(false);
    }
  });
});
