/** What every model runtime (ONNX Runtime, TensorFlow.js) offers the predict pipeline. */
import type { ModelFiles } from "./model-files.js";
import type { TensorInfo } from "./model-input.js";

/** Accepted devices; `auto` takes the GPU when its libraries load, else the CPU, and says why. */
export const DEVICES = ["auto", "cpu", "cuda"] as const;

/** One of {@link DEVICES}. */
export type Device = (typeof DEVICES)[number];

/** One output of one batch: row-major float32 values and their shape, batch first. */
export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** A model loaded by a runtime, ready to run batches. */
export interface LoadedModel {
  /** The runtime's name (`onnx`, `tfjs`). */
  readonly runtime: string;
  /** `cpu` or `cuda`: where the batches run. */
  readonly device: "cpu" | "cuda";
  /** One line: what was loaded and why, e.g. "device auto: cuda unavailable (…), cpu (2 intra-op threads)". */
  readonly detail: string;
  /** The model's one input (a model with several inputs is refused with MODEL_MISMATCH). */
  readonly input: TensorInfo;
  /** The model's outputs, in the model's order; their names name the output columns. */
  readonly outputs: readonly TensorInfo[];
  /**
   * Batches worth running at once (sessions on worker threads); the
   * pipeline keeps this many in flight. @defaultValue 1
   */
  readonly concurrency: number;
  /**
   * Runs one batch. `batch`'s buffer may be transferred to another thread:
   * do not use it afterwards, unless `done` hands it back.
   * @param batch - float32 values of `dims` (row-major, batch first, in the input's layout);
   *   it may be a view at the start of a longer buffer (a shard's last, shorter batch)
   * @param dims - the batch's shape, e.g. [64, 32, 32, 3]
   * @param done - called, before the outputs resolve, with a view of the whole buffer
   *   `batch` lay in once the runtime no longer reads it (the buffer may have come back
   *   from another thread), so the caller can reuse it; a runtime may never call it
   * @returns each output by name, batch first
   */
  run(
    batch: Float32Array,
    dims: readonly number[],
    done?: (buffer: Float32Array) => void,
  ): Promise<ReadonlyMap<string, OutputTensor>>;
  /** Frees the model's native memory; the model is unusable afterwards. */
  dispose(): Promise<void>;
}

/** Options every runtime takes. */
export interface RuntimeLoadOptions {
  /** Where to run. @defaultValue "auto" */
  readonly device?: Device;
  /**
   * Threads one batch may use inside the runtime (ONNX Runtime's intra-op
   * threads; TensorFlow.js on wasm is single-threaded in Node and ignores it).
   * @defaultValue 1 (measured: see docs/predict.md)
   */
  readonly threads?: number;
  /**
   * Let idle ONNX Runtime threads spin waiting for work (faster hand-off,
   * burns a core between batches while decoding needs it).
   * @defaultValue false
   */
  readonly allowSpinning?: boolean;
  /**
   * ONNX Runtime on the CPU: copies of the model, each in a session on its
   * own worker thread (`threads` intra-op threads each), running batches side
   * by side; 0 runs one session on the calling thread. Results are the same.
   * @defaultValue 0
   */
  readonly sessions?: number;
}

/** A model runtime as registered with {@link registerRuntime}. */
export interface ModelRuntime {
  /** The name users pick it by (`--runtime onnx`). */
  readonly name: string;
  /** True when this runtime reads a model whose entry file is named `entry` (`model.onnx`, `model.json`). */
  reads(entry: string): boolean;
  /**
   * Loads the runtime's library (once; later calls reuse it) and says what was
   * loaded. Throws BACKEND_UNAVAILABLE with the reason when it cannot load.
   */
  probe(): Promise<string>;
  /**
   * Loads a model. Throws BACKEND_UNAVAILABLE when the library or the device
   * cannot be used, MODEL_INVALID when the files are not a model it reads.
   */
  load(files: ModelFiles, options: RuntimeLoadOptions): Promise<LoadedModel>;
}
