/**
 * The three part formats, each read back by an independent reader: DuckDB for
 * Parquet, numpy for npy, JSON.parse for jsonl.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes } from "@featurewise/core";
import { decodeKeysJsonl } from "@featurewise/core";
import { partFormat, partFormatNames } from "./part-format.js";
import type { PredictionPart } from "./prediction-part.js";
import { topK } from "./top-k.js";
import "./builtin-formats.js";

const dir = mkdtempSync(path.join(tmpdir(), "fw-predict-parts-"));
// Byte order: "A" < "a" < "é"; a newline and a quote in a key must round-trip.
const keys = ["A/b.png", "a/1.png", 'a/2 "q".png', "a/new\nline.png", "é.png"];
const n = keys.length;
const probs = Float32Array.from({ length: n * 4 }, (_, i) =>
  Math.fround(Math.sin(i + 1) / 3 + 0.1 * (i % 4)),
);
const embed = Float32Array.from({ length: n * 6 }, (_, i) => Math.fround(i - 7.25 + 1 / 3));
const labels = ["cat", "dog", "ship", "frog"];
const part: PredictionPart = {
  index: 42,
  keys,
  outputs: [
    { name: "probs", rowShape: [4], data: probs },
    { name: "embedding", rowShape: [2, 3], data: embed },
  ],
  topK: { ...topK(probs, 2, 4), labels },
};

function save(files: { name: string; bytes: Uint8Array }[]): void {
  for (const f of files) writeFileSync(path.join(dir, f.name), f.bytes);
}

let duck: DuckDBConnection;
beforeAll(async () => {
  duck = await (await DuckDBInstance.create(":memory:")).connect();
});
afterAll(() => {
  duck?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe("parquet", () => {
  it("DuckDB reads keys in order, list<float32> outputs, top-k columns", async () => {
    const files = partFormat("parquet").encode(part);
    expect(files.map((f) => f.name)).toEqual(["part-000042.parquet"]);
    save(files);
    const file = path.join(dir, "part-000042.parquet");
    const types = await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(types.getRowObjectsJson().map((r) => [r.column_name, r.column_type])).toEqual([
      ["key", "VARCHAR"],
      ["probs", "FLOAT[]"],
      ["embedding", "FLOAT[]"],
      ["top_k_index", "INTEGER[]"],
      ["top_k_score", "FLOAT[]"],
      ["top_k_label", "VARCHAR[]"],
    ]);
    const rows = (
      await duck.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
    ).getRowObjectsJS();
    expect(rows.map((r) => r.key)).toEqual(keys);
    for (const [i, row] of rows.entries()) {
      // DuckDB widens FLOAT to a JS number: the same float32 value, exactly.
      expect(row.probs as number[]).toEqual(Array.from(probs.subarray(i * 4, i * 4 + 4)));
      expect(row.embedding as number[]).toEqual(Array.from(embed.subarray(i * 6, i * 6 + 6)));
      const idx = row.top_k_index as number[];
      expect(idx).toEqual(Array.from(part.topK!.index.subarray(i * 2, i * 2 + 2)));
      expect(row.top_k_label as string[]).toEqual(idx.map((c) => labels[c]));
      expect(row.top_k_score as number[]).toEqual(idx.map((c) => probs[i * 4 + c]));
    }
    const meta = await duck.runAndReadAll(
      `SELECT decode(value) AS v FROM parquet_kv_metadata('${file}') WHERE decode(key) = 'featurewise.outputs'`,
    );
    expect(JSON.parse(meta.getRowObjectsJson()[0]!.v as string)).toEqual({
      probs: [4],
      embedding: [2, 3],
    });
  });

  it("encodes the same part to the same bytes (a resumed run rewrites identical files)", () => {
    const a = partFormat("parquet").encode(part)[0]!.bytes;
    const b = partFormat("parquet").encode({ ...part, keys: [...keys] })[0]!.bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("an empty part is a readable file with no rows", async () => {
    const empty: PredictionPart = {
      index: 7,
      keys: [],
      outputs: [{ name: "probs", rowShape: [4], data: new Float32Array(0) }],
    };
    save(partFormat("parquet").encode(empty));
    const r = await duck.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${path.join(dir, "part-000007.parquet")}')`,
    );
    expect(r.getRowObjectsJson()).toEqual([{ n: 0 }]);
  });
});

describe("npy", () => {
  it("writes one .npy per output and the keys as JSON lines; numpy reads them", () => {
    const files = partFormat("npy").encode({ index: part.index, keys, outputs: part.outputs });
    expect(files.map((f) => f.name)).toEqual([
      "part-000042.probs.npy",
      "part-000042.embedding.npy",
      "part-000042.keys.jsonl",
    ]);
    save(files);
    expect(decodeKeysJsonl(files[2]!.bytes, files[2]!.name)).toEqual(keys);
    const script = `
import json, sys, numpy as np
d = sys.argv[1]
p = np.load(d + "/part-000042.probs.npy"); e = np.load(d + "/part-000042.embedding.npy")
keys = [json.loads(l) for l in open(d + "/part-000042.keys.jsonl", encoding="utf-8")]
print(json.dumps({"p": [str(p.dtype), list(p.shape), p.ravel().tolist()], "e": [str(e.dtype), list(e.shape), e.ravel().tolist()], "keys": keys}))`;
    const r = spawnSync("python3", ["-c", script, dir], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const got = JSON.parse(r.stdout) as {
      p: [string, number[], number[]];
      e: [string, number[], number[]];
      keys: string[];
    };
    expect(got.p).toEqual(["float32", [n, 4], Array.from(probs)]);
    expect(got.e).toEqual(["float32", [n, 2, 3], Array.from(embed)]);
    expect(got.keys).toEqual(keys);
  });

  it("one output is part-000042.npy; top-k is refused, not dropped", () => {
    const one: PredictionPart = { index: 42, keys, outputs: [part.outputs[0]!] };
    expect(
      partFormat("npy")
        .encode(one)
        .map((f) => f.name),
    ).toEqual(["part-000042.npy", "part-000042.keys.jsonl"]);
    expect(() => partFormat("npy").encode(part)).toThrow(
      /top-k columns are written by the parquet and jsonl formats/,
    );
  });

  it("an output name that is not a plain file name is percent-encoded", () => {
    const odd: PredictionPart = {
      index: 1,
      keys: ["k"],
      outputs: [
        { name: "Identity:0", rowShape: [1], data: new Float32Array(1) },
        { name: "a/b", rowShape: [1], data: new Float32Array(1) },
      ],
    };
    expect(
      partFormat("npy")
        .encode(odd)
        .map((f) => f.name),
    ).toEqual(["part-000001.Identity%3A0.npy", "part-000001.a%2Fb.npy", "part-000001.keys.jsonl"]);
  });
});

describe("jsonl", () => {
  it("one object a row, floats as the shortest text of the same float32", () => {
    const [file] = partFormat("jsonl").encode(part);
    expect(file!.name).toBe("part-000042.jsonl");
    const lines = new TextDecoder().decode(file!.bytes).split("\n");
    expect(lines.pop()).toBe("");
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.key)).toEqual(keys);
    expect(Object.keys(rows[0]!)).toEqual([
      "key",
      "probs",
      "embedding",
      "top_k_index",
      "top_k_score",
      "top_k_label",
    ]);
    const back = Float32Array.from(rows.flatMap((r) => r.probs as number[]));
    expect(back).toEqual(probs);
    expect(rows[0]!.embedding).toEqual([
      -6.9166665, -5.9166665, -4.9166665, -3.9166667, -2.9166667, -1.9166666,
    ]);
  });

  it("NaN and infinities are null (JSON has neither)", () => {
    const [file] = partFormat("jsonl").encode({
      index: 0,
      keys: ["x"],
      outputs: [{ name: "y", rowShape: [3], data: Float32Array.of(NaN, Infinity, -0) }],
    });
    expect(new TextDecoder().decode(file!.bytes)).toBe('{"key":"x","y":[null,null,-0]}\n');
  });
});

describe("every format checks the part", () => {
  it.each(partFormatNames())(
    "%s refuses keys out of order, a reserved output name, a wrong size",
    (format) => {
      const f = partFormat(format);
      const out = part.outputs[0]!;
      const bad = [
        { index: 1, keys: ["b", "a"], outputs: [{ ...out, data: new Float32Array(8) }] },
        { index: 1, keys: ["a"], outputs: [{ ...out, name: "key", data: new Float32Array(4) }] },
        { index: 1, keys: ["a"], outputs: [{ ...out, data: new Float32Array(3) }] },
      ];
      for (const p of bad) {
        expect(() => f.encode(p)).toThrow(
          expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
        );
      }
      expect(() => f.encode(bad[0]!)).toThrow(
        'part-000001: keys must ascend in byte order; "a" follows "b"',
      );
    },
  );

  it("an unknown format is INVALID_ARGUMENT naming the known ones", () => {
    expect(() => partFormat("csv")).toThrow('format "csv": expected one of parquet, npy, jsonl');
  });
});
