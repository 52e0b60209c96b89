/**
 * The environment overrides of native library locations. This is the one
 * place where the package reads `process.env`; everything else takes the
 * resulting {@link LibraryPathOverrides} as an argument.
 */

/** The environment variables that override where native libraries are found. */
export const LIBRARY_PATH_VARIABLES = {
  /** Path (or soname) of libopenblas, e.g. `/opt/OpenBLAS/lib/libopenblas.so.0`. */
  openblas: "FEATUREWISE_OPENBLAS_LIB",
  /** Path (or soname) of liblapacke, e.g. `/usr/lib/x86_64-linux-gnu/liblapacke.so.3`. */
  lapacke: "FEATUREWISE_LAPACKE_LIB",
  /** Folder holding libcudart, libcublas and libcusolver. */
  cudaLibDir: "FEATUREWISE_CUDA_LIB_DIR",
} as const;

/** Library locations forced by the environment; null where the search is automatic. */
export interface LibraryPathOverrides {
  readonly openblas: string | null;
  readonly lapacke: string | null;
  readonly cudaLibDir: string | null;
}

/** No overrides: every library is searched for. */
export const NO_LIBRARY_OVERRIDES: LibraryPathOverrides = Object.freeze({
  openblas: null,
  lapacke: null,
  cudaLibDir: null,
});

/**
 * Reads {@link LIBRARY_PATH_VARIABLES} from `env` (the process environment by
 * default). Empty values count as unset. Read at each backend selection, so a
 * test may change the environment between selections.
 */
export function readLibraryPathOverrides(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LibraryPathOverrides {
  const get = (name: string): string | null => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? null : v;
  };
  return Object.freeze({
    openblas: get(LIBRARY_PATH_VARIABLES.openblas),
    lapacke: get(LIBRARY_PATH_VARIABLES.lapacke),
    cudaLibDir: get(LIBRARY_PATH_VARIABLES.cudaLibDir),
  });
}
