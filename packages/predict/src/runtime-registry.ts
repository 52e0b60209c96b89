/**
 * The model runtimes, chosen at run time like the compute backends: `auto`
 * takes the first registered runtime that reads the model's format and loads;
 * the choice and the reason are kept for the record. A new runtime is one
 * {@link registerRuntime} call, not an edit here.
 */
import { ErrorCodes, FeaturewiseError, isFeaturewiseError } from "@featurewise/core";
import type { ModelFiles } from "./model-files.js";
import type { LoadedModel, ModelRuntime, RuntimeLoadOptions } from "./runtime.js";

const registry: ModelRuntime[] = [];

/**
 * Adds a runtime; `auto` tries runtimes in registration order.
 * @throws FeaturewiseError INVALID_ARGUMENT when the name is taken or is `auto`
 */
export function registerRuntime(runtime: ModelRuntime): void {
  if (runtime.name === "auto" || registry.some((r) => r.name === runtime.name)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `runtime "${runtime.name}": the name is ${runtime.name === "auto" ? "reserved" : "already registered"}`,
    );
  }
  registry.push(runtime);
}

/** The registered runtimes' names, in `auto`'s order. */
export function runtimeNames(): string[] {
  return registry.map((r) => r.name);
}

/** Whether a runtime's library loads here, and what it loaded or why not. */
export interface RuntimeStatus {
  readonly name: string;
  readonly available: boolean;
  readonly detail: string;
}

/** Probes every registered runtime (loading its library), for a status or doctor command. */
export async function probeRuntimes(): Promise<RuntimeStatus[]> {
  const out: RuntimeStatus[] = [];
  for (const runtime of registry) {
    try {
      out.push({ name: runtime.name, available: true, detail: await runtime.probe() });
    } catch (err) {
      out.push({
        name: runtime.name,
        available: false,
        detail: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return out;
}

/** A loaded model and why this runtime was chosen. */
export interface SelectedModel {
  readonly model: LoadedModel;
  /** One line for the user and the manifest, e.g. "auto: onnx reads model.onnx; device auto: cuda unavailable (…), cpu". */
  readonly reason: string;
}

/**
 * Picks a runtime for the model in `files` and loads the model on it.
 * @param requested - `auto` or a registered runtime's name
 * @throws FeaturewiseError INVALID_ARGUMENT for an unknown runtime or one that
 *   does not read this model's format; BACKEND_UNAVAILABLE when the requested
 *   runtime (or, under `auto`, every runtime reading the format) cannot load;
 *   MODEL_INVALID when the files are not a readable model
 */
export async function selectRuntime(
  requested: string,
  files: ModelFiles,
  options: RuntimeLoadOptions = {},
): Promise<SelectedModel> {
  if (requested !== "auto") {
    const runtime = registry.find((r) => r.name === requested);
    if (runtime === undefined) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `runtime "${requested}": expected one of auto, ${runtimeNames().join(", ")}`,
      );
    }
    if (!runtime.reads(files.entry)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `runtime ${requested} does not read ${files.uri}; runtimes that do: ${readersOf(files.entry) || "none"}`,
      );
    }
    const model = await runtime.load(files, options);
    return { model, reason: `${requested} (requested): ${model.detail}` };
  }
  const candidates = registry.filter((r) => r.reads(files.entry));
  if (candidates.length === 0) {
    throw new FeaturewiseError(
      ErrorCodes.MODEL_INVALID,
      `model ${files.uri}: "${files.entry}" is no model format a runtime reads (expected a .onnx file or a TensorFlow.js model.json)`,
    );
  }
  const skipped: string[] = [];
  for (const runtime of candidates) {
    try {
      const model = await runtime.load(files, options);
      return {
        model,
        reason: `auto: ${[...skipped, `${runtime.name} reads ${files.entry}: ${model.detail}`].join(", ")}`,
      };
    } catch (err) {
      if (!isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)) throw err;
      skipped.push(`${runtime.name} unavailable (${err.message})`);
    }
  }
  throw new FeaturewiseError(ErrorCodes.BACKEND_UNAVAILABLE, `auto: ${skipped.join(", ")}`);
}

function readersOf(entry: string): string {
  return registry
    .filter((r) => r.reads(entry))
    .map((r) => r.name)
    .join(", ");
}
