/**
 * Native and GPU implementations of core's {@link LinearAlgebra} interface
 * (OpenBLAS + LAPACKE, CUDA cuBLAS + cuSOLVER, TensorFlow.js) and the run-time
 * choice between them.
 */
export type { LinearAlgebra } from "@featurewise/core";
export {
  BACKEND_NAMES,
  isBackendName,
  selectBackend,
  type BackendName,
  type SelectBackendOptions,
  type SelectedBackend,
} from "./select-backend.js";
export { OpenBlasLinearAlgebra } from "./openblas/openblas-linalg.js";
export { CudaLinearAlgebra } from "./cuda/cuda-linalg.js";
export { TfjsLinearAlgebra, TFJS_PACKAGES } from "./tfjs/tfjs-linalg.js";
export { shortenOpenBlasSpin, type OpenBlasOptions } from "./openblas/openblas-options.js";
export {
  LIBRARY_PATH_VARIABLES,
  NO_LIBRARY_OVERRIDES,
  readLibraryPathOverrides,
  type LibraryPathOverrides,
} from "./library-paths.js";
