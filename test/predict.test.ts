/**
 * `featurewise predict` end to end, as real processes on real files: every
 * image fixture model gives torch's outputs for Keras-standardized PNGs
 * (fixtures/models/make_image_references.py) on both runtimes, from a folder
 * and from WebDataset tars; the tensor the model receives is `featurewise
 * transform --stats … --dtype float32` bit for bit.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeNpy, PREDICT_DEFAULTS } from "@featurewise/core";
import { encodeTar } from "@featurewise/dataset";
import { runPredict, type ModelBatch } from "@featurewise/predict";
import { runCliOk } from "./helpers/cli.js";
import {
  IMAGE_MODELS,
  imageFixture,
  maxAbsDiff,
  readManifest,
  readNpyOutput,
} from "./helpers/predict.js";

const TOLERANCE = 1e-4;
let tmp: string;
/** The artifact `fit --center --std` writes for each image folder. */
const artifacts = new Map<string, string>();

async function artifactFor(
  images: string,
  colorMode: string,
  extra: string[] = [],
): Promise<string> {
  const id = `${images}|${extra.join(" ")}`;
  const known = artifacts.get(id);
  if (known !== undefined) return known;
  const out = path.join(tmp, `art-${artifacts.size}`);
  await runCliOk([
    "fit",
    images,
    "--out",
    out,
    "--center",
    "--std",
    "--color-mode",
    colorMode,
    ...extra,
  ]);
  artifacts.set(id, out);
  return out;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-predict-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each([
  ["onnx", "model.onnx"],
  ["tfjs", "model.json"],
] as const)("runtime %s", (runtime, entry) => {
  it.each(IMAGE_MODELS)(
    `%s from a folder: torch's outputs for Keras-standardized PNGs to ≤${TOLERANCE}`,
    async (name) => {
      const fx = imageFixture(name);
      const stats = await artifactFor(fx.images, fx.colorMode);
      const out = path.join(tmp, `out-${runtime}-${name}`);
      const run = await runCliOk([
        "predict",
        fx.images,
        "--model",
        path.join(fx.model, entry),
        "--stats",
        stats,
        "--out",
        out,
        "--runtime",
        runtime,
        "--device",
        "cpu",
        "--format",
        "npy",
        "--images-per-shard",
        "8",
        "--json",
      ]);
      expect(JSON.parse(run.stdout)).toMatchObject({
        n: 20,
        skipped: 0,
        parts: 3,
        runtime,
        device: "cpu",
      });
      const got = readNpyOutput(out);
      expect(got.keys).toEqual(fx.keys);
      for (const [output, expected] of fx.expected) {
        const diff = maxAbsDiff(got.outputs.get(output)!, expected);
        expect(diff, `${name} ${output}: max |Δ| ${diff}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(readManifest(out).parts.map((p) => p.rows)).toEqual([8, 8, 4]);
    },
  );

  it.each(IMAGE_MODELS)(
    "%s from WebDataset tars: the same outputs, rows in the tars' order",
    async (name) => {
      const fx = imageFixture(name);
      const stats = await artifactFor(fx.images, fx.colorMode);
      const wds = path.join(tmp, `wds-${runtime}-${name}`);
      const { mkdirSync } = await import("node:fs");
      mkdirSync(wds);
      for (const [t, keys] of [fx.keys.slice(0, 12), fx.keys.slice(12)].entries()) {
        const files = keys.map((k) => ({
          name: k,
          data: readFileSync(path.join(fx.images, k)),
        }));
        writeFileSync(path.join(wds, `shard-00000${t}.tar`), encodeTar(files));
      }
      const out = path.join(tmp, `out-wds-${runtime}-${name}`);
      await runCliOk([
        "predict",
        path.join(wds, "shard-{000000..000001}.tar"),
        "--model",
        path.join(fx.model, entry),
        "--stats",
        stats,
        "--out",
        out,
        "--runtime",
        runtime,
        "--format",
        "npy",
      ]);
      const got = readNpyOutput(out);
      expect(got.keys).toHaveLength(20);
      expect(readManifest(out).parts).toHaveLength(2); // a tar is a shard
      for (const [output, expected] of fx.expected) {
        expect(maxAbsDiff(got.outputs.get(output)!, expected)).toBeLessThanOrEqual(TOLERANCE);
      }
    },
  );
});

describe("the tensor the model receives", () => {
  it.each([
    ["cifar-cnn", []],
    ["nchw-cnn", ["--data-format", "channels_first"]],
    ["nchw-cnn", ["--data-format", "channels_first", "--zca"]],
    ["cifar-cnn", ["--rescale", "1/255"]],
  ] as const)(
    "%s %s: equals `transform --stats … --dtype float32` bit for bit",
    async (name, fitFlags) => {
      const fx = imageFixture(name);
      const stats = await artifactFor(fx.images, fx.colorMode, [...fitFlags]);
      const array = path.join(tmp, `transform-${name}-${fitFlags.length}-${fitFlags.at(-1)}.npy`);
      await runCliOk([
        "transform",
        fx.images,
        "--stats",
        stats,
        "--out",
        array,
        "--dtype",
        "float32",
      ]);
      const expected = decodeNpy(readFileSync(array));
      const batches: ModelBatch[] = [];
      const out = path.join(tmp, `hook-${name}-${fitFlags.length}-${fitFlags.at(-1)}`);
      await runPredict(
        {
          ...PREDICT_DEFAULTS,
          source: fx.images,
          model: path.join(fx.model, "model.onnx"),
          stats,
          out,
          batchSize: 6, // batches that do not divide the shards
          imagesPerShard: 8,
          format: "npy",
        },
        () => {},
        { onBatch: (b) => batches.push(b), decodeThreads: 1 },
      );
      // Two shards run side by side, so their batches may interleave; a
      // part's own batches come in order (the sort is stable).
      batches.sort((x, y) => x.part - y.part);
      expect(batches.map((b) => b.dims[0])).toEqual([6, 2, 6, 2, 4]);
      expect(batches[0]!.dims.slice(1)).toEqual(expected.shape.slice(1));
      const fed = new Float32Array(expected.data.length);
      let at = 0;
      for (const b of batches) {
        fed.set(b.tensor, at);
        at += b.tensor.length;
      }
      expect(at).toBe(expected.data.length);
      const want = Float32Array.from(expected.data);
      expect(Buffer.from(fed.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      expect(batches.flatMap((b) => b.keys)).toEqual(fx.keys);
    },
  );
});

describe("formats", () => {
  it("parquet (default), npy and jsonl parts hold the same rows; --top-k with --labels", async () => {
    const fx = imageFixture("cifar-cnn");
    const stats = await artifactFor(fx.images, fx.colorMode);
    const labels = path.join(tmp, "labels.txt");
    writeFileSync(labels, Array.from({ length: 10 }, (_, i) => `class-${i}`).join("\n") + "\n");
    const outs: Record<string, string> = {};
    for (const format of ["parquet", "npy", "jsonl"]) {
      outs[format] = path.join(tmp, `fmt-${format}`);
      await runCliOk([
        "predict",
        fx.images,
        "--model",
        fx.model,
        "--stats",
        stats,
        "--out",
        outs[format]!,
        ...(format === "parquet" ? [] : ["--format", format]),
        ...(format === "npy" ? [] : ["--top-k", "3", "--labels", labels]),
      ]);
    }
    expect(readdirSync(outs["parquet"]!).sort()).toEqual([
      "manifest.json",
      "part-000000.parquet",
      "part-000000.record.json",
      "predict-run.json",
    ]);
    const m = readManifest(outs["parquet"]!);
    expect(m.columns.map((c) => c.name)).toEqual([
      "key",
      "probs",
      "top_k_index",
      "top_k_score",
      "top_k_label",
    ]);
    const rows = readFileSync(path.join(outs["jsonl"]!, "part-000000.jsonl"), "utf8")
      .trim()
      .split("\n");
    const first = JSON.parse(rows[0]!) as { key: string; probs: number[]; top_k_label: string[] };
    expect(first.key).toBe(fx.keys[0]);
    const probs = fx.expected.get("probs")!.subarray(0, 10);
    expect(maxAbsDiff(first.probs, probs)).toBeLessThanOrEqual(TOLERANCE);
    const best = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]!)[0]!;
    expect(first.top_k_label[0]).toBe(`class-${best}`);
    // An independent reader: DuckDB reads the Parquet part.
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create();
    const conn = await db.connect();
    const reader = await conn.runAndReadAll(
      `SELECT key, probs, top_k_label FROM read_parquet('${path.join(outs["parquet"]!, "part-000000.parquet")}') ORDER BY key`,
    );
    const got = reader.getRowObjectsJS() as {
      key: string;
      probs: number[];
      top_k_label: string[];
    }[];
    expect(got.map((r) => r.key)).toEqual(fx.keys);
    expect(maxAbsDiff(got[0]!.probs, probs)).toBeLessThanOrEqual(TOLERANCE);
    expect(got[0]!.top_k_label).toEqual(first.top_k_label);
    conn.closeSync();
  });
});
