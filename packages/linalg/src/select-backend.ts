/** Choosing the compute backend at run time: `auto` takes the fastest one that loads. */
import {
  ErrorCodes,
  FeaturewiseError,
  isFeaturewiseError,
  JsLinearAlgebra,
  type LinearAlgebra,
} from "@featurewise/core";
import { backendUnavailable, firstLine } from "./backend-unavailable.js";
import { CudaLinearAlgebra } from "./cuda/cuda-linalg.js";
import { readLibraryPathOverrides, type LibraryPathOverrides } from "./library-paths.js";
import { OpenBlasLinearAlgebra } from "./openblas/openblas-linalg.js";
import type { OpenBlasOptions } from "./openblas/openblas-options.js";
import { TfjsLinearAlgebra } from "./tfjs/tfjs-linalg.js";

/** Accepted backend names; `auto` tries cuda → openblas → tfjs → js. */
export const BACKEND_NAMES = ["auto", "cuda", "openblas", "tfjs", "js"] as const;

/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The concrete backends, in the order `auto` tries them. */
const AUTO_ORDER = ["cuda", "openblas", "tfjs", "js"] as const;
type ConcreteBackend = (typeof AUTO_ORDER)[number];

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Library locations. @defaultValue read from the environment by {@link readLibraryPathOverrides} */
  readonly libraryPaths?: LibraryPathOverrides;
  /** OpenBLAS threads (see {@link OpenBlasOptions.threads}). @defaultValue OPENBLAS_NUM_THREADS, else one per core */
  readonly openblasThreads?: number;
}

/** The compute backend a fit runs on, and why it was chosen. */
export interface SelectedBackend {
  readonly la: LinearAlgebra;
  /**
   * One line for the user, e.g. "auto: cuda unavailable (no usable CUDA device: …),
   * openblas loaded from /usr/lib/x86_64-linux-gnu/libopenblas.so.0 + …".
   */
  readonly reason: string;
  /** Frees the backend's native resources (GPU memory, handles); the backend is unusable afterwards. */
  dispose(): void;
}

interface Loaded {
  readonly la: LinearAlgebra;
  readonly detail: string;
  readonly dispose: () => void;
}

/**
 * Picks and loads a compute backend.
 * @param requested - one of {@link BACKEND_NAMES}
 * @throws FeaturewiseError INVALID_ARGUMENT for an unknown name;
 *   BACKEND_UNAVAILABLE when an explicitly requested backend cannot be loaded
 */
export function selectBackend(
  requested: string,
  options: SelectBackendOptions = {},
): SelectedBackend {
  if (!isBackendName(requested)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `backend "${requested}": expected one of ${BACKEND_NAMES.join(", ")}`,
    );
  }
  const paths = options.libraryPaths ?? readLibraryPathOverrides();
  if (requested !== "auto") {
    let loaded: Loaded;
    try {
      loaded = load(requested, paths, options);
    } catch (err) {
      if (isFeaturewiseError(err, ErrorCodes.BACKEND_UNAVAILABLE)) throw err;
      throw backendUnavailable(`${requested} backend failed to load: ${firstLine(err)}`, err);
    }
    return {
      la: loaded.la,
      reason: `${requested} (requested): ${loaded.detail}`,
      dispose: loaded.dispose,
    };
  }
  const skipped: string[] = [];
  for (const name of AUTO_ORDER) {
    try {
      const loaded = load(name, paths, options);
      const chosen = `${name} ${loaded.detail}`;
      return {
        la: loaded.la,
        reason: `auto: ${[...skipped, chosen].join(", ")}`,
        dispose: loaded.dispose,
      };
    } catch (err) {
      skipped.push(`${name} unavailable (${firstLine(err)})`);
    }
  }
  // Unreachable: js always loads.
  throw backendUnavailable(`auto: ${skipped.join(", ")}`);
}

/** True when `name` is one of {@link BACKEND_NAMES}. */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

function load(
  name: ConcreteBackend,
  paths: LibraryPathOverrides,
  options: SelectBackendOptions,
): Loaded {
  const blas: OpenBlasOptions =
    options.openblasThreads === undefined ? {} : { threads: options.openblasThreads };
  switch (name) {
    case "cuda": {
      const la = CudaLinearAlgebra.load(paths);
      return { la, detail: `loaded from ${la.description}`, dispose: () => la.dispose() };
    }
    case "openblas": {
      const la = OpenBlasLinearAlgebra.load(paths, blas);
      return { la, detail: `loaded from ${la.description}`, dispose: () => la.dispose() };
    }
    case "tfjs": {
      const la = TfjsLinearAlgebra.load();
      return {
        la,
        detail: `loaded from ${la.packageName} (float32 matMul)`,
        dispose: () => undefined,
      };
    }
    case "js":
      return {
        la: new JsLinearAlgebra(),
        detail: "(the TypeScript reference)",
        dispose: () => undefined,
      };
  }
}
