/**
 * The CUDA runtime, cuBLAS and cuSOLVER functions the `cuda` backend calls,
 * loaded through koffi once per process. Device pointers are opaque `void *`
 * (BigInt in koffi 3); host typed arrays are passed in place.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { backendUnavailable } from "../backend-unavailable.js";
import { locateLibrary, type LibraryOverride } from "../find-library.js";
import { declare, openLibrary, type NativeFunction } from "../koffi-runtime.js";
import { LIBRARY_PATH_VARIABLES, type LibraryPathOverrides } from "../library-paths.js";
import { CUDA_COMPANIONS, CUDART, mathLibrarySpecs } from "./cuda-library-specs.js";

/** The loaded functions (C prototypes in {@link PROTOTYPES}) and where they came from. */
export interface CudaBindings {
  readonly paths: { readonly cudart: string; readonly cublas: string; readonly cusolver: string };
  /** cudaRuntimeGetVersion, e.g. 13000. */
  readonly runtimeVersion: number;
  readonly deviceCount: number;
  readonly fn: Readonly<Record<keyof typeof PROTOTYPES, NativeFunction>>;
  /** "cudaErrorNoDevice (no CUDA-capable device is detected)". */
  errorName(code: number): string;
}

/** C prototypes, grouped by library. */
const PROTOTYPES = {
  cudaMalloc: "int cudaMalloc(_Out_ void **ptr, size_t bytes)",
  cudaFree: "int cudaFree(void *ptr)",
  cudaMemcpy: "int cudaMemcpy(void *dst, const void *src, size_t bytes, int kind)",
  cudaDeviceSynchronize: "int cudaDeviceSynchronize(void)",
  cublasCreate: "int cublasCreate_v2(_Out_ void **handle)",
  cublasDestroy: "int cublasDestroy_v2(void *handle)",
  cublasDsyrk:
    "int cublasDsyrk_v2(void *handle, int uplo, int trans, int n, int k, const double *alpha, const void *a, int lda, const double *beta, void *c, int ldc)",
  cublasSsyrk:
    "int cublasSsyrk_v2(void *handle, int uplo, int trans, int n, int k, const float *alpha, const void *a, int lda, const float *beta, void *c, int ldc)",
  cublasDgemm:
    "int cublasDgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const double *alpha, const void *a, int lda, const void *b, int ldb, const double *beta, void *c, int ldc)",
  cusolverDnCreate: "int cusolverDnCreate(_Out_ void **handle)",
  cusolverDnDestroy: "int cusolverDnDestroy(void *handle)",
  cusolverDnDsyevdBufferSize:
    "int cusolverDnDsyevd_bufferSize(void *handle, int jobz, int uplo, int n, const void *a, int lda, const void *w, _Out_ int *lwork)",
  cusolverDnDsyevd:
    "int cusolverDnDsyevd(void *handle, int jobz, int uplo, int n, void *a, int lda, void *w, void *work, int lwork, void *info)",
} as const;

const CUDART_FUNCTIONS = ["cudaMalloc", "cudaFree", "cudaMemcpy", "cudaDeviceSynchronize"] as const;
const CUBLAS_FUNCTIONS = [
  "cublasCreate",
  "cublasDestroy",
  "cublasDsyrk",
  "cublasSsyrk",
  "cublasDgemm",
] as const;
const CUSOLVER_FUNCTIONS = [
  "cusolverDnCreate",
  "cusolverDnDestroy",
  "cusolverDnDsyevdBufferSize",
  "cusolverDnDsyevd",
] as const;

let cached: { key: string; bindings: CudaBindings } | null = null;

/**
 * Finds and loads libcudart, checks that a device is visible, then loads
 * libcublas and libcusolver.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE, one line: the missing library
 *   ("libcudart not found: install the CUDA runtime …") or why no device is usable
 */
export function loadCuda(overrides: LibraryPathOverrides): CudaBindings {
  const key = overrides.cudaLibDir ?? "";
  if (cached?.key === key) return cached.bindings;
  const override: LibraryOverride | null =
    overrides.cudaLibDir === null
      ? null
      : {
          variable: LIBRARY_PATH_VARIABLES.cudaLibDir,
          value: overrides.cudaLibDir,
          kind: "folder",
        };

  const cudartPath = locateLibrary(CUDART, override);
  const cudart = openLibrary(cudartPath, "libcudart");
  const where = `libcudart (${cudartPath})`;
  const getCount = declare(cudart, "int cudaGetDeviceCount(_Out_ int *count)", where);
  const getName = declare(cudart, "const char *cudaGetErrorName(int error)", where);
  const getString = declare(cudart, "const char *cudaGetErrorString(int error)", where);
  const getVersion = declare(cudart, "int cudaRuntimeGetVersion(_Out_ int *version)", where);
  const errorName = (code: number): string =>
    `${String(getName(code))} (${String(getString(code))})`;

  const count = [0];
  const status = Number(getCount(count));
  if (status !== 0) {
    throw backendUnavailable(
      `no usable CUDA device: cudaGetDeviceCount returned ${errorName(status)}; is the NVIDIA driver installed and a GPU visible?`,
    );
  }
  if (count[0]! < 1) throw backendUnavailable("no CUDA device: cudaGetDeviceCount found 0 devices");
  const version = [0];
  getVersion(version);
  const major = Math.floor(version[0]! / 1000);

  const specs = mathLibrarySpecs(major);
  const cublasPath = locateLibrary(specs.cublas, override);
  const cublas = openWithCompanions(cublasPath, "libcublas");
  const cusolverPath = locateLibrary(specs.cusolver, override);
  const cusolver = openWithCompanions(cusolverPath, "libcusolver");

  const fn = {} as Record<keyof typeof PROTOTYPES, NativeFunction>;
  for (const name of CUDART_FUNCTIONS) fn[name] = declare(cudart, PROTOTYPES[name], where);
  for (const name of CUBLAS_FUNCTIONS)
    fn[name] = declare(cublas, PROTOTYPES[name], `libcublas (${cublasPath})`);
  for (const name of CUSOLVER_FUNCTIONS)
    fn[name] = declare(cusolver, PROTOTYPES[name], `libcusolver (${cusolverPath})`);

  const bindings: CudaBindings = {
    paths: { cudart: cudartPath, cublas: cublasPath, cusolver: cusolverPath },
    runtimeVersion: version[0]!,
    deviceCount: count[0]!,
    fn,
    errorName,
  };
  cached = { key, bindings };
  return bindings;
}

/** Loads the libraries `path` links against that sit in its folder, then `path` itself. */
function openWithCompanions(path: string, label: string): ReturnType<typeof openLibrary> {
  const folder = dirname(path);
  for (const companion of CUDA_COMPANIONS) {
    const p = join(folder, companion);
    if (p === path || !existsSync(p)) continue;
    try {
      openLibrary(p, companion);
    } catch {
      // best effort: the linker may still find it on its own
    }
  }
  return openLibrary(path, label);
}
