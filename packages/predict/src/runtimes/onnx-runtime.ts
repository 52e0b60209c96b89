/**
 * The `onnx` runtime: onnxruntime-node, loaded on first use. Its npm package
 * ships the CPU library; the CUDA provider (`libonnxruntime_providers_cuda.so`
 * beside it) is installed separately on GPU machines (docs/predict.md, "Prediction
 * runtimes"). ONNX Runtime does not fall back to the CPU when the CUDA
 * provider cannot load, so `device: auto` does it here and says why.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as OrtModule from "onnxruntime-node";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import type { ModelFiles } from "../model-files.js";
import type { TensorInfo } from "../model-input.js";
import type { LoadedModel, ModelRuntime, OutputTensor, RuntimeLoadOptions } from "../runtime.js";
import { firstLine, modelInvalid, modelMismatch, runtimeUnavailable } from "../runtime-errors.js";
import { OnnxSessionThreads, type SessionMetadata } from "./onnx-session-threads.js";

type Ort = typeof OrtModule;

/** The file the CUDA execution provider lives in, beside `onnxruntime_binding.node`. */
export const ORT_CUDA_PROVIDER = "libonnxruntime_providers_cuda.so";

let ortModule: Promise<{ ort: Ort; binDir: string }> | undefined;

/** Loads onnxruntime-node once. */
async function loadOrt(): Promise<{ ort: Ort; binDir: string }> {
  ortModule ??= (async () => {
    try {
      const mod = (await import("onnxruntime-node")) as Ort & { default?: Ort };
      const ort = mod.default ?? mod;
      const require = createRequire(import.meta.url);
      const root = path.dirname(require.resolve("onnxruntime-node/package.json"));
      return { ort, binDir: path.join(root, "bin", "napi-v6", process.platform, process.arch) };
    } catch (err) {
      ortModule = undefined;
      throw runtimeUnavailable(`onnxruntime-node failed to load: ${firstLine(err)}`, err);
    }
  })();
  return ortModule;
}

/** The `onnx` runtime, as registered. */
export const onnxRuntime: ModelRuntime = {
  name: "onnx",
  reads: (entry) => entry.toLowerCase().endsWith(".onnx"),
  probe: async () => {
    const { ort } = await loadOrt();
    return `onnxruntime-node ${ort.env.versions.node ?? ""}`.trim();
  },
  load: loadOnnxModel,
};

async function loadOnnxModel(files: ModelFiles, options: RuntimeLoadOptions): Promise<LoadedModel> {
  const { ort, binDir } = await loadOrt();
  const bytes = await files.read(files.entry);
  const device = options.device ?? "auto";
  const threads = options.threads ?? 1;
  const base: InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    extra: {
      session: { intra_op: { allow_spinning: options.allowSpinning === true ? "1" : "0" } },
    },
  };
  const cpuDetail = `cpu (${threads} intra-op thread${threads === 1 ? "" : "s"}, spinning ${options.allowSpinning === true ? "on" : "off"})`;
  const createCpu = async () => {
    try {
      return await ort.InferenceSession.create(bytes, { ...base, executionProviders: ["cpu"] });
    } catch (err) {
      throw modelInvalid(files.uri, `ONNX Runtime cannot read it: ${firstLine(err)}`, err);
    }
  };

  const sessions = options.sessions ?? 0;
  const cpuModel = async (detail: string): Promise<LoadedModel> => {
    if (sessions === 0) return wrap(ort, files, await createCpu(), "cpu", detail);
    // The sessions' threads check the model and describe it: no session on
    // this thread (it cost the run a third session's load, ~0.3 s of CPU).
    // The detail (the manifest's reason) does not name the sessions: like the
    // decode threads they change where batches run, not the results, and a
    // run's manifest is the same on the cluster's workers.
    let threads: OnnxSessionThreads;
    try {
      threads = await OnnxSessionThreads.start(sessions, {
        model: bytes,
        options: { ...base, executionProviders: ["cpu"] },
      });
    } catch (err) {
      throw modelInvalid(files.uri, `ONNX Runtime cannot read it: ${firstLine(err)}`, err);
    }
    let model: Pick<LoadedModel, "input" | "outputs">;
    try {
      model = describeModel(files, threads.metadata);
    } catch (err) {
      await threads.release();
      throw err;
    }
    return {
      runtime: "onnx",
      device: "cpu",
      detail,
      ...model,
      concurrency: threads.size,
      async run(batch, dims, done) {
        const { outputs, input } = await threads.run(batch, dims);
        done?.(input);
        return new Map(model.outputs.map((o, i) => [o.name, outputs[i]!]));
      },
      dispose: () => threads.release(),
    };
  };
  if (device === "cpu") return cpuModel(`device cpu: ${cpuDetail}`);

  const provider = path.join(binDir, ORT_CUDA_PROVIDER);
  let cudaProblem: string;
  let cudaError: unknown;
  if (!existsSync(provider)) {
    cudaProblem = `the CUDA provider is not installed (no ${provider}; see docs/predict.md, GPU set-up)`;
  } else {
    try {
      const session = await ort.InferenceSession.create(bytes, {
        ...base,
        executionProviders: [{ name: "cuda", deviceId: 0 }],
      });
      return wrap(ort, files, session, "cuda", `device ${device}: cuda (${provider})`);
    } catch (err) {
      cudaProblem = `the CUDA provider failed: ${firstLine(err)}`;
      cudaError = err;
    }
  }
  if (device === "cuda") {
    // Tell a broken model from a broken provider: the CPU session says which.
    const session = await createCpu();
    await session.release();
    throw runtimeUnavailable(`onnx device cuda: ${cudaProblem}`, cudaError);
  }
  return cpuModel(`device auto: cuda unavailable (${cudaProblem}), ${cpuDetail}`);
}

function wrap(
  ort: Ort,
  files: ModelFiles,
  session: InferenceSession,
  device: "cpu" | "cuda",
  detail: string,
): LoadedModel {
  let input: TensorInfo;
  let outputs: readonly TensorInfo[];
  try {
    ({ input, outputs } = describeModel(files, {
      inputs: session.inputMetadata,
      outputs: session.outputMetadata,
    }));
  } catch (err) {
    void session.release();
    throw err;
  }
  return {
    runtime: "onnx",
    device,
    detail,
    input,
    outputs,
    concurrency: 1,
    async run(batch, dims, done) {
      const feeds = { [input.name]: new ort.Tensor("float32", batch, dims) };
      const results = await session.run(feeds);
      if (batch.byteOffset === 0) done?.(new Float32Array(batch.buffer));
      const out = new Map<string, OutputTensor>();
      for (const { name } of outputs) {
        const t = results[name] as Tensor;
        out.set(name, { data: t.data as Float32Array, dims: t.dims });
      }
      return out;
    },
    dispose: () => session.release(),
  };
}

/** The model's one input and its outputs; refuses several inputs and anything but float32 tensors. */
function describeModel(
  files: ModelFiles,
  meta: SessionMetadata,
): { input: TensorInfo; outputs: TensorInfo[] } {
  const inputs = meta.inputs.map((m) => describe(files, m, "input"));
  const outputs = meta.outputs.map((m) => describe(files, m, "output"));
  if (inputs.length !== 1) {
    throw modelMismatch(
      files.uri,
      `it has ${inputs.length} inputs (${inputs.map((i) => i.name).join(", ")}); featurewise feeds one image tensor`,
    );
  }
  return { input: inputs[0]!, outputs };
}

/** Name and shape of an input/output; refuses anything but float32 tensors. */
function describe(
  files: ModelFiles,
  meta: InferenceSession.ValueMetadata,
  what: "input" | "output",
): TensorInfo {
  if (!meta.isTensor || meta.type !== "float32") {
    const type = meta.isTensor ? meta.type : "not a tensor";
    throw modelMismatch(
      files.uri,
      `${what} "${meta.name}" is ${type}; featurewise ${what === "input" ? "feeds" : "writes"} float32 tensors`,
    );
  }
  return {
    name: meta.name,
    shape: meta.shape.map((d) => (typeof d === "number" && d >= 0 ? d : null)),
  };
}
