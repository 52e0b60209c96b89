/**
 * The prepended graph computes what predict computes: for every fixture model
 * (graph-mlp's 2 channels included, which no image file has) and each
 * combination of steps, the exported model on raw pixels gives the outputs
 * of the original model on `standardizeToFloat32`'s tensor, on real ONNX
 * Runtime and TensorFlow.js sessions. The statistics are made up (seeded)
 * so that every step moves the values; test/export-model.test.ts does the
 * same through the CLI with fitted artifacts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  FIT_DEFAULTS,
  JsLinearAlgebra,
  flatSize,
  isFeaturewiseError,
  type StandardizeParams,
} from "@featurewise/core";
import { standardizeToFloat32 } from "@featurewise/pipeline";
import { modelFilesFromMemory, openModelPath } from "../model-files.js";
import { resolveInputLayout } from "../model-input.js";
import type { LoadedModel } from "../runtime.js";
import { selectRuntime } from "../runtime-registry.js";
import { parseModelJson } from "../runtimes/tfjs-runtime.js";
import { FIXTURE_MODELS, maxAbsDiff, readFixture } from "../test-support.js";
import "../builtin-runtimes.js";
import { parseOnnxModel } from "./onnx-graph.js";
import { prependStandardize } from "./onnx-standardize.js";
import { standardizeSteps } from "./standardize-steps.js";
import { parseTfjsGraphModel, prependStandardizeOps } from "./tfjs-graph-standardize.js";
import { isGraphModel, STANDARDIZE_WEIGHTS_FILE, type TfjsModelJson } from "./tfjs-model-json.js";
import { parseTfjsLayersModel, prependStandardizeLayers } from "./tfjs-standardize.js";

const TOLERANCE = 1e-5;
const loaded: LoadedModel[] = [];
afterAll(async () => {
  for (const m of loaded) await m.dispose();
});

/** mulberry32: the same made-up statistics on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VARIANTS = {
  none: { rescale: null, center: false, std: false, zca: false },
  std: { rescale: null, center: true, std: true, zca: false },
  "rescale+std": { rescale: 1 / 255, center: true, std: true, zca: false },
  zca: { rescale: null, center: true, std: false, zca: true },
  "rescale+zca": { rescale: 1 / 255, center: true, std: false, zca: true },
} as const;

function madeUpParams(
  name: string,
  variant: keyof typeof VARIANTS,
  format: "channels_last" | "channels_first",
): StandardizeParams {
  const v = VARIANTS[variant];
  const ref = readFixture(name);
  const rnd = random(name.length * 31 + variant.length);
  const scale = v.rescale ?? 1;
  const c = ref.image.channels;
  const d = flatSize(ref.image);
  const whitening = new Float64Array(d * d);
  for (let i = 0; i < whitening.length; i++) {
    whitening[i] = ((rnd() - 0.5) * 2) / (scale * 60 * Math.sqrt(d));
  }
  return {
    flags: {
      ...FIT_DEFAULTS.flags,
      featurewiseCenter: v.center,
      featurewiseStdNormalization: v.std,
      zcaWhitening: v.zca,
    },
    rescale: v.rescale,
    dataFormat: format,
    imageShape: ref.image,
    channelMean: Float64Array.from({ length: c }, () => (100 + 50 * rnd()) * scale),
    channelStd: Float64Array.from({ length: c }, () => (40 + 30 * rnd()) * scale),
    whitening: v.zca ? whitening : null,
  };
}

/** Three images of random 8-bit pixels in the model's layout. */
function rawPixels(dims: readonly number[], seed: number): Float64Array {
  const rnd = random(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return Float64Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

async function expectParity(
  original: LoadedModel,
  exported: LoadedModel,
  params: StandardizeParams,
  dims: readonly number[],
): Promise<void> {
  const raw = rawPixels(dims, 7);
  const rows = dims[0]!;
  const standardized = await standardizeToFloat32(
    Float64Array.from(raw),
    rows,
    params,
    new JsLinearAlgebra(),
  );
  const want = await original.run(standardized, dims);
  const got = await exported.run(Float32Array.from(raw), dims);
  for (const [output, expected] of want) {
    const diff = maxAbsDiff(got.get(output)!.data, expected.data);
    expect(diff, `${output}: max |Δ| ${diff}`).toBeLessThanOrEqual(TOLERANCE);
    // The steps change the answer: a model fed raw pixels would not pass.
    if (params.flags.featurewiseCenter) {
      const unstandardized = await original.run(Float32Array.from(raw), dims);
      expect(maxAbsDiff(unstandardized.get(output)!.data, expected.data)).toBeGreaterThan(1e-3);
    }
  }
}

describe.each(Object.keys(VARIANTS) as (keyof typeof VARIANTS)[])("steps %s", (variant) => {
  it.each(FIXTURE_MODELS)(
    `ONNX %s: exported(raw) = model(standardized) to ≤${TOLERANCE}`,
    async (name) => {
      const ref = readFixture(name);
      const files = await openModelPath(path.join(ref.folder, "model.onnx"));
      const model = parseOnnxModel(await files.read(files.entry), files.uri);
      const input = resolveInputLayout(model.input, ref.image);
      const format = input.layout === "NHWC" ? "channels_last" : "channels_first";
      const params = madeUpParams(name, variant, format);
      const out = prependStandardize(model, standardizeSteps(params, input.layout));
      const original = (await selectRuntime("onnx", files, { device: "cpu" })).model;
      const exported = (
        await selectRuntime(
          "onnx",
          modelFilesFromMemory("model.onnx", new Map([["model.onnx", out.bytes]])),
          {
            device: "cpu",
          },
        )
      ).model;
      loaded.push(original, exported);
      expect(exported.input).toMatchObject({ name: "pixels", shape: model.input.shape });
      expect(exported.outputs).toEqual(original.outputs);
      await expectParity(original, exported, params, input.dims(3));
    },
  );

  it.each(FIXTURE_MODELS)(
    `tfjs %s: exported(raw) = model(standardized) to ≤${TOLERANCE}`,
    async (name) => {
      const ref = readFixture(name);
      const files = await openModelPath(path.join(ref.folder, "model.json"));
      const doc = parseModelJson(files, await files.read(files.entry)) as unknown as TfjsModelJson;
      const graph = isGraphModel(doc);
      const model = graph
        ? parseTfjsGraphModel(doc, files.uri)
        : parseTfjsLayersModel(doc, files.uri);
      const input = resolveInputLayout(model.input, ref.image);
      const format = input.layout === "NHWC" ? "channels_last" : "channels_first";
      const params = madeUpParams(name, variant, format);
      const steps = standardizeSteps(params, input.layout);
      const out = graph
        ? prependStandardizeOps(parseTfjsGraphModel(doc, files.uri), steps)
        : prependStandardizeLayers(parseTfjsLayersModel(doc, files.uri), steps);
      const memory = new Map<string, Uint8Array>([
        ["model.json", new TextEncoder().encode(JSON.stringify(out.modelJson))],
        ["weights.bin", readFileSync(path.join(ref.folder, "weights.bin"))],
        [STANDARDIZE_WEIGHTS_FILE, out.weights],
      ]);
      const original = (await selectRuntime("tfjs", files, { device: "cpu" })).model;
      const exported = (
        await selectRuntime("tfjs", modelFilesFromMemory("model.json", memory), { device: "cpu" })
      ).model;
      loaded.push(original, exported);
      expect(exported.input).toMatchObject({ name: "pixels", shape: model.input.shape });
      await expectParity(original, exported, params, input.dims(3));
    },
  );
});

describe("a GraphModel with a signature, as tensorflowjs_converter writes it", () => {
  it("points the signature's input at the renamed Placeholder; outputs unchanged", async () => {
    const ref = readFixture("graph-mlp");
    const files = await openModelPath(path.join(ref.folder, "model.json"));
    const plain = parseModelJson(files, await files.read(files.entry)) as unknown as TfjsModelJson;
    const tensor = { dtype: "DT_FLOAT", tensorShape: { dim: [{ size: "-1" }] } };
    const signature = {
      inputs: { input: { name: "input:0", ...tensor } },
      outputs: { probs: { name: "probs:0", ...tensor } },
    };
    const doc: TfjsModelJson = { ...plain, signature };
    const model = parseTfjsGraphModel(doc, files.uri);
    const params = madeUpParams("graph-mlp", "std", "channels_last");
    const out = prependStandardizeOps(model, standardizeSteps(params, "NHWC"));
    expect(out.modelJson["signature"]).toEqual({
      ...signature,
      inputs: { input: { name: "pixels:0", ...tensor } },
    });
    const memory = new Map<string, Uint8Array>([
      ["model.json", new TextEncoder().encode(JSON.stringify(out.modelJson))],
      ["weights.bin", readFileSync(path.join(ref.folder, "weights.bin"))],
      [STANDARDIZE_WEIGHTS_FILE, out.weights],
    ]);
    const withSignature = modelFilesFromMemory("model.json", memory);
    const original = (await selectRuntime("tfjs", files, { device: "cpu" })).model;
    const exported = (await selectRuntime("tfjs", withSignature, { device: "cpu" })).model;
    loaded.push(original, exported);
    await expectParity(original, exported, params, [3, 4, 4, 2]);
  });
});

describe("refused", () => {
  it("a Sequential LayersModel, with what to do instead", () => {
    const doc: TfjsModelJson = {
      format: "layers-model",
      modelTopology: { class_name: "Sequential", config: { layers: [] } },
      weightsManifest: [],
    };
    let error: unknown;
    try {
      parseTfjsLayersModel(doc, "seq/model.json");
    } catch (err) {
      error = err;
    }
    expect(isFeaturewiseError(error, "MODEL_INVALID")).toBe(true);
    expect((error as Error).message).toMatch(/functional Keras models .* not "Sequential"/);
  });
});
