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
import { IMAGE_MODELS, imageFixture, maxAbsDiff } from "./helpers/predict.js";
import { startS3Server, type S3Server } from "./helpers/s3-server.js";

let server: S3Server;
let storage: Storage;

beforeAll(async () => {
  server = await startS3Server(["data", "models", "arts", "outs"]);
  for (const [k, v] of Object.entries(server.env)) vi.stubEnv(k, v);
  storage = new Storage(readStorageConfig(server.env));
  // Each image folder and model once; an artifact per image folder, fitted on S3.
  for (const name of IMAGE_MODELS) {
    const fx = imageFixture(name);
    const folder = path.basename(fx.images);
    const images = storage.open(`s3://data/${folder}`);
    if ((await images.head(fx.keys[0]!)) === null) {
      for (const k of fx.keys) await images.put(k, readFileSync(path.join(fx.images, k)));
      await runCliOk(
        [
          "fit",
          `s3://data/${folder}`,
          "--out",
          `s3://arts/${folder}`,
          "--center",
          "--std",
          "--color-mode",
          fx.colorMode,
        ],
        server.env,
      );
    }
    const models = storage.open(`s3://models/${name}`);
    for (const f of ["model.onnx", "model.json", "weights.bin"]) {
      await models.put(f, readFileSync(path.join(fx.model, f)));
    }
  }
}, 120_000);

afterAll(async () => {
  storage?.close();
  await server?.stop();
  vi.unstubAllEnvs();
});

describe("predict on S3", () => {
  it.each(
    IMAGE_MODELS.flatMap(
      (name) =>
        [
          ["onnx", name],
          ["tfjs", name],
        ] as const,
    ),
  )(
    "%s %s: source, model, artifact and output on S3 give torch's outputs to ≤1e-4",
    async (runtime, name) => {
      const fx = imageFixture(name);
      const folder = path.basename(fx.images);
      // onnx from the prefix (model.onnx is looked for first), tfjs by its model.json
      const model = runtime === "onnx" ? `s3://models/${name}` : `s3://models/${name}/model.json`;
      const out = `s3://outs/${runtime}-${name}`;
      const r = await runCliOk(
        [
          "predict",
          `s3://data/${folder}`,
          "--model",
          model,
          "--stats",
          `s3://arts/${folder}`,
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
      expect(manifest.artifact.location).toBe(`s3://arts/${folder}`);
      expect(manifest.model.location).toBe(
        `s3://models/${name}/model.${runtime === "onnx" ? "onnx" : "json"}`,
      );
      const keys: string[] = [];
      const outputs = [...fx.expected.keys()];
      const got = new Map<string, number[]>(outputs.map((o) => [o, []]));
      for (const part of manifest.parts) {
        for (const f of part.files) {
          expect(await sha256Hex([await store.get(f.name)]), f.name).toBe(f.sha256);
        }
        const base = `part-${String(part.part).padStart(6, "0")}`;
        keys.push(...decodeKeysJsonl(await store.get(`${base}.keys.jsonl`), `${base}.keys.jsonl`));
        for (const [o, values] of got) {
          const file = outputs.length === 1 ? `${base}.npy` : `${base}.${o}.npy`;
          values.push(...decodeNpy(await store.get(file)).data);
        }
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
        "s3://data/32x32x3",
        "--model",
        "s3://models/nothing",
        "--stats",
        "s3://arts/32x32x3",
        "--out",
        "s3://outs/x",
      ],
      server.env,
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      "--model s3://models/nothing: the prefix holds none of model.onnx, model.json",
    );
    const predict = (model: string) =>
      runCli(
        [
          "predict",
          "s3://data/32x32x3",
          "--model",
          model,
          "--stats",
          "s3://arts/32x32x3",
          "--out",
          "s3://outs/taken",
        ],
        server.env,
      );
    expect((await predict("s3://models/cifar-cnn/model.onnx")).code).toBe(0);
    const taken = await predict("s3://models/two-outputs/model.onnx");
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(
      /--out s3:\/\/outs\/taken holds another run's parts \(.*\bmodel\b.*differ\)/,
    );
  }, 120_000);
});
