/** Choosing a runtime and a device, and refusing what is not a model or does not fit. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ErrorCodes, type FeaturewiseError } from "@featurewise/core";
import { modelFilesFromMemory, openModelPath } from "./model-files.js";
import { resolveInputLayout } from "./model-input.js";
import type { LoadedModel, ModelRuntime } from "./runtime.js";
import { probeRuntimes, registerRuntime, runtimeNames, selectRuntime } from "./runtime-registry.js";
import { MODELS_DIR, readFixture } from "./test-support.js";
import "./builtin-runtimes.js";

const cifar = readFixture("cifar-cnn");
const tmp = mkdtempSync(path.join(tmpdir(), "fw-predict-models-"));
const loaded: LoadedModel[] = [];
afterAll(async () => {
  for (const m of loaded) await m.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<FeaturewiseError> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err as FeaturewiseError,
  );
}

describe("runtime auto", () => {
  it("takes onnx for a .onnx file and tfjs for a model.json, and says why", async () => {
    const onnx = await selectRuntime(
      "auto",
      await openModelPath(path.join(cifar.folder, "model.onnx")),
    );
    loaded.push(onnx.model);
    expect(onnx.model.runtime).toBe("onnx");
    expect(onnx.reason).toMatch(/^auto: onnx reads model\.onnx: device auto: /);
    const tfjs = await selectRuntime(
      "auto",
      await openModelPath(path.join(cifar.folder, "model.json")),
    );
    loaded.push(tfjs.model);
    expect(tfjs.model.runtime).toBe("tfjs");
    expect(tfjs.reason).toMatch(/^auto: tfjs reads model\.json: device auto: .*wasm/);
  });

  it("probes each runtime's library", async () => {
    const status = await probeRuntimes();
    expect(status.slice(0, 2)).toEqual([
      { name: "onnx", available: true, detail: "onnxruntime-node 1.30.0" },
      {
        name: "tfjs",
        available: true,
        detail: expect.stringMatching(
          /^device auto: .*cpu \(@tensorflow\/tfjs-backend-wasm, backend wasm, SIMD\)$/,
        ),
      },
    ]);
  });

  it("finds model.onnx in a folder before model.json", async () => {
    expect((await openModelPath(cifar.folder)).entry).toBe("model.onnx");
  });

  it("takes a runtime registered by a plugin, in registration order", async () => {
    const fake: ModelRuntime = {
      name: "fake",
      reads: (entry) => entry.endsWith(".fake"),
      probe: () => Promise.resolve("fake"),
      load: () => Promise.reject(new Error("fake runtime cannot load models")),
    };
    registerRuntime(fake);
    expect(runtimeNames()).toEqual(["onnx", "tfjs", "fake"]);
    const err = await failure(selectRuntime("auto", modelFilesFromMemory("m.fake", new Map())));
    expect(err.message).toBe("fake runtime cannot load models");
    expect(() => registerRuntime(fake)).toThrow(/already registered/);
  });
});

describe("device (no GPU on this machine)", () => {
  const onnxFile = path.join(cifar.folder, "model.onnx");

  it("onnx auto falls back to the CPU and says why", async () => {
    const { model, reason } = await selectRuntime("onnx", await openModelPath(onnxFile), {
      device: "auto",
    });
    loaded.push(model);
    expect(model.device).toBe("cpu");
    expect(reason).toMatch(
      /^onnx \(requested\): device auto: cuda unavailable \(the CUDA provider is not installed \(no .*libonnxruntime_providers_cuda\.so; see docs\/predict.md, GPU set-up\)\), cpu \(1 intra-op thread, spinning off\)$/,
    );
  });

  it("onnx cuda fails with BACKEND_UNAVAILABLE naming the missing provider", async () => {
    const err = await failure(
      selectRuntime("onnx", await openModelPath(onnxFile), { device: "cuda" }),
    );
    expect(err.code).toBe(ErrorCodes.BACKEND_UNAVAILABLE);
    expect(err.message).toMatch(/^onnx device cuda: the CUDA provider is not installed/);
  });

  it("tfjs cuda fails with BACKEND_UNAVAILABLE naming @tensorflow/tfjs-node-gpu", async () => {
    const files = await openModelPath(path.join(cifar.folder, "model.json"));
    const err = await failure(selectRuntime("tfjs", files, { device: "cuda" }));
    expect(err.code).toBe(ErrorCodes.BACKEND_UNAVAILABLE);
    expect(err.message).toMatch(
      /^tfjs device cuda: @tensorflow\/tfjs-node-gpu unavailable \(not installed/,
    );
  });

  it("onnx threads and spinning are taken as given", async () => {
    const { model } = await selectRuntime("onnx", await openModelPath(onnxFile), {
      device: "cpu",
      threads: 2,
      allowSpinning: true,
    });
    loaded.push(model);
    expect(model.detail).toBe("device cpu: cpu (2 intra-op threads, spinning on)");
  });
});

describe("bad models", () => {
  function write(name: string, bytes: Uint8Array | string): string {
    const file = path.join(tmp, name);
    writeFileSync(file, bytes);
    return file;
  }

  it.each([
    ["random bytes as .onnx", "garbage.onnx", "not a model at all", /ONNX Runtime cannot read it/],
    [
      "a model.json renamed .onnx",
      "json.onnx",
      readFileSync(path.join(cifar.folder, "model.json")),
      /ONNX Runtime cannot read it/,
    ],
    ["a model.json that is not JSON", "bad/model.json", "{ nope", /not JSON/],
    ["a JSON file without modelTopology", "empty/model.json", "{}", /no modelTopology/],
  ])("%s is MODEL_INVALID", async (_what, name, bytes, message) => {
    mkdirSync(path.join(tmp, path.dirname(name)), { recursive: true });
    const file = write(name, bytes);
    const err = await failure(selectRuntime("auto", await openModelPath(file)));
    expect(err.code).toBe(ErrorCodes.MODEL_INVALID);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(message);
  });

  it("a model.json whose weights.bin is missing or truncated is MODEL_INVALID", async () => {
    const dir = mkdtempSync(path.join(tmp, "weights-"));
    copyFileSync(path.join(cifar.folder, "model.json"), path.join(dir, "model.json"));
    let err = await failure(selectRuntime("tfjs", await openModelPath(dir)));
    expect(err.code).toBe(ErrorCodes.MODEL_INVALID);
    expect(err.message).toMatch(/the weight file "weights\.bin" it names is missing/);
    const weights = readFileSync(path.join(cifar.folder, "weights.bin"));
    writeFileSync(path.join(dir, "weights.bin"), weights.subarray(0, weights.length - 100));
    err = await failure(selectRuntime("tfjs", await openModelPath(dir)));
    expect(err.code).toBe(ErrorCodes.MODEL_INVALID);
    expect(err.message).toMatch(/TensorFlow\.js cannot load it as a LayersModel/);
  });

  it.each([
    ["two-inputs.onnx", "it has 2 inputs (a, b); featurewise feeds one image tensor"],
    ["argmax.onnx", 'output "class" is int64; featurewise writes float32 tensors'],
  ])("%s is MODEL_MISMATCH", async (file, message) => {
    const location = new URL(`refused/${file}`, MODELS_DIR).pathname;
    const err = await failure(
      selectRuntime("onnx", await openModelPath(location), { device: "cpu" }),
    );
    expect(err.code).toBe(ErrorCodes.MODEL_MISMATCH);
    expect(err.message).toBe(`model ${location}: ${message}`);
  });

  it("a tfjs GraphModel with an int32 output is MODEL_MISMATCH, at the latest when it runs", async () => {
    const location = new URL("refused/argmax-graph/model.json", MODELS_DIR).pathname;
    const message = `model ${location}: output "class" is int32; featurewise writes float32 tensors`;
    const loading = selectRuntime("tfjs", await openModelPath(location), { device: "cpu" });
    const err = await loading.then(
      async ({ model }) => {
        loaded.push(model);
        return failure(model.run(new Float32Array(2 * 192), [2, 8, 8, 3]));
      },
      (e: unknown) => e as FeaturewiseError,
    );
    expect(err.code).toBe(ErrorCodes.MODEL_MISMATCH);
    expect(err.message).toBe(message);
  });

  it("a file no runtime reads is MODEL_INVALID; a missing path NOT_FOUND; an empty folder MODEL_INVALID", async () => {
    let err = await failure(selectRuntime("auto", await openModelPath(write("model.pt", "x"))));
    expect(err.code).toBe(ErrorCodes.MODEL_INVALID);
    expect(err.message).toMatch(/"model\.pt" is no model format a runtime reads/);
    err = await failure(openModelPath(path.join(tmp, "nothing-here")));
    expect(err.code).toBe(ErrorCodes.NOT_FOUND);
    err = await failure(openModelPath(mkdtempSync(path.join(tmp, "empty-"))));
    expect(err.code).toBe(ErrorCodes.MODEL_INVALID);
    expect(err.message).toMatch(/holds none of model\.onnx, model\.json/);
  });

  it("a runtime that does not read the format, or an unknown one, is INVALID_ARGUMENT", async () => {
    const files = await openModelPath(path.join(cifar.folder, "model.onnx"));
    let err = await failure(selectRuntime("tfjs", files));
    expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(err.message).toMatch(/runtime tfjs does not read .*model\.onnx; runtimes that do: onnx/);
    err = await failure(selectRuntime("torch", files));
    expect(err.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(err.message).toMatch(/runtime "torch": expected one of auto, onnx, tfjs/);
  });
});

describe("input checked against the images", () => {
  const input = { name: "input", shape: [null, 32, 32, 3] };

  it("a model for 32x32x3 refuses 28x28x1 images, naming both shapes", () => {
    const err = (() => {
      try {
        resolveInputLayout(input, { height: 28, width: 28, channels: 1 });
      } catch (e) {
        return e as FeaturewiseError;
      }
      throw new Error("expected MODEL_MISMATCH");
    })();
    expect(err.code).toBe(ErrorCodes.MODEL_MISMATCH);
    expect(err.message).toBe(
      'model input "input" [?,32,32,3] takes neither NHWC [?,28,28,1] nor NCHW [?,1,28,28]; the images are 28x28x1 (H, W, C)',
    );
  });

  it("a requested layout the model does not take is MODEL_MISMATCH", () => {
    expect(() => resolveInputLayout(input, { height: 32, width: 32, channels: 3 }, "NCHW")).toThrow(
      'model input "input" [?,32,32,3] does not take NCHW [?,3,32,32]; the images are 32x32x3 (H, W, C)',
    );
  });

  it("a rank-2 input is MODEL_MISMATCH", () => {
    expect(() =>
      resolveInputLayout(
        { name: "x", shape: [null, 3072] },
        { height: 32, width: 32, channels: 3 },
      ),
    ).toThrow(/has rank 2; .*expected a rank-4 input/);
  });

  it("free spatial sizes: channels decide, else NHWC is assumed and said so", () => {
    const rgb = { height: 8, width: 8, channels: 3 };
    expect(resolveInputLayout({ name: "x", shape: [null, null, null, 3] }, rgb).layout).toBe(
      "NHWC",
    );
    expect(resolveInputLayout({ name: "x", shape: [null, 3, null, null] }, rgb).layout).toBe(
      "NCHW",
    );
    const both = resolveInputLayout({ name: "x", shape: [null, null, null, null] }, rgb);
    expect(both.layout).toBe("NHWC");
    expect(both.reason).toMatch(/fits both layouts: assumed NHWC/);
    expect(
      resolveInputLayout({ name: "x", shape: [null, null, null, null] }, rgb, "NCHW").dims(4),
    ).toEqual([4, 3, 8, 8]);
  });
});
