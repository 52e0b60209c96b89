/**
 * `featurewise predict` with everything on S3 (s3rver): the images, the
 * model (ONNX file, TensorFlow.js model.json + weights), the artifact and
 * the output. The outputs match torch's for Keras-standardized PNGs, as
 * from local folders, and each part is one PUT with its sha256 recorded.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeKeysJsonl, decodeNpy, sha256Hex } from "@featurewise/core";
import { readStorageConfig, Storage } from "@featurewise/storage";
import { runCli, runCliOk } from "./helpers/cli.js";
import { imageFixture, maxAbsDiff } from "./helpers/predict.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";

let server: S3Server;
let storage: Storage;
const fx = imageFixture("two-outputs");

beforeAll(async () => {
  server = await startS3Server(["data", "models", "arts", "outs"]);
  for (const [k, v] of Object.entries(server.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(server.env));
  const images = storage.open("s3://data/imgs");
  for (const k of fx.keys) await images.put(k, readFileSync(path.join(fx.images, k)));
  const models = storage.open("s3://models/two");
  for (const f of ["model.onnx", "model.json", "weights.bin"]) {
    await models.put(f, readFileSync(path.join(fx.model, f)));
  }
  await runCliOk(
    ["fit", "s3://data/imgs", "--out", "s3://arts/a", "--center", "--std"],
    server.env,
  );
}, 120_000);

afterAll(async () => {
  storage?.close();
  await server?.stop();
  vi.unstubAllEnvs();
});

describe("predict on S3", () => {
  it.each([
    ["onnx", "s3://models/two"], // a prefix: its model.onnx (looked for before model.json)
    ["tfjs", "s3://models/two/model.json"],
  ])(
    "%s: source, model, artifact and output on S3 give torch's outputs to ≤1e-4",
    async (runtime, model) => {
      const out = `s3://outs/${runtime}`;
      const r = await runCliOk(
        [
          "predict",
          "s3://data/imgs",
          "--model",
          model,
          "--stats",
          "s3://arts/a",
          "--out",
          out,
          "--runtime",
          runtime,
          "--format",
          "npy",
          "--images-per-shard",
          "16",
          "--json",
        ],
        server.env,
      );
      expect(JSON.parse(r.stdout)).toMatchObject({ n: 20, parts: 2, runtime });
      const store = storage.open(out);
      const manifest = JSON.parse(new TextDecoder().decode(await store.get("manifest.json"))) as {
        parts: { part: number; rows: number; files: { name: string; sha256: string }[] }[];
        artifact: { location: string };
        model: { location: string };
      };
      expect(manifest.artifact.location).toBe("s3://arts/a");
      expect(manifest.model.location).toMatch(/^s3:\/\/models\/two\/model\.(onnx|json)$/);
      const keys: string[] = [];
      const got = new Map<string, number[]>([
        ["probs", []],
        ["embedding", []],
      ]);
      for (const part of manifest.parts) {
        for (const f of part.files) {
          expect(await sha256Hex([await store.get(f.name)]), f.name).toBe(f.sha256);
        }
        const base = `part-${String(part.part).padStart(6, "0")}`;
        keys.push(...decodeKeysJsonl(await store.get(`${base}.keys.jsonl`)));
        for (const [o, values] of got)
          values.push(...decodeNpy(await store.get(`${base}.${o}.npy`)).data);
      }
      expect(keys).toEqual(fx.keys);
      for (const [o, expected] of fx.expected) {
        expect(maxAbsDiff(got.get(o)!, expected), o).toBeLessThanOrEqual(1e-4);
      }
    },
    120_000,
  );

  it("a model prefix holding no model: NOT_FOUND naming it; an --out on S3 holding another run is refused", async () => {
    const none = await runCli(
      [
        "predict",
        "s3://data/imgs",
        "--model",
        "s3://models/nothing",
        "--stats",
        "s3://arts/a",
        "--out",
        "s3://outs/x",
      ],
      server.env,
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      "--model s3://models/nothing: the prefix holds none of model.onnx, model.json",
    );
    const taken = await runCli(
      [
        "predict",
        "s3://data/imgs",
        "--model",
        "s3://models/two/model.onnx",
        "--stats",
        "s3://arts/a",
        "--out",
        "s3://outs/tfjs",
      ],
      server.env,
    );
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(
      /--out s3:\/\/outs\/tfjs holds another run's parts \(.*\bmodel\b.*differ\)/,
    );
  }, 120_000);
});
