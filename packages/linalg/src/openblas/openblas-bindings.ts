/**
 * The OpenBLAS and LAPACKE functions the `openblas` backend calls, loaded
 * through koffi once per process (per pair of library paths).
 */
import type { LibraryPathOverrides } from "../library-paths.js";
import { LIBRARY_PATH_VARIABLES } from "../library-paths.js";
import { locateLibrary, multiarchTriplet, type LibrarySpec } from "../find-library.js";
import { declare, openLibrary, type NativeFunction } from "../koffi-runtime.js";
import { shortenOpenBlasSpin } from "./openblas-options.js";

/** CBLAS and LAPACKE enum values (cblas.h, lapacke.h). */
export const Cblas = {
  RowMajor: 101,
  ColMajor: 102,
  NoTrans: 111,
  Trans: 112,
  Upper: 121,
  Lower: 122,
} as const;

/** The loaded functions, and where they came from. */
export interface OpenBlasBindings {
  readonly openblasPath: string;
  /** Where LAPACKE_dsyevd was found (liblapacke, or libopenblas when it bundles LAPACKE). */
  readonly lapackePath: string;
  /** void cblas_dsyrk(order, uplo, trans, n, k, alpha, A, lda, beta, C, ldc) */
  readonly dsyrk: NativeFunction;
  /** void cblas_ssyrk(order, uplo, trans, n, k, alpha, A, lda, beta, C, ldc), float arguments */
  readonly ssyrk: NativeFunction;
  /** void cblas_dgemm(order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc) */
  readonly dgemm: NativeFunction;
  /** int LAPACKE_dsyevd(layout, jobz, uplo, n, A, lda, w) */
  readonly dsyevd: NativeFunction;
  /** OpenBLAS's current thread count (OPENBLAS_NUM_THREADS when set, else the cores), or null if unknown. */
  threads(): number | null;
  /** Sets OpenBLAS's thread count for the whole process (no-op where the library lacks it). */
  setThreads(count: number): void;
}

const libFolders = (): string[] => {
  const t = multiarchTriplet();
  return [
    `/usr/lib/${t}`,
    `/lib/${t}`,
    `/usr/lib/${t}/openblas-pthread`,
    `/usr/lib/${t}/openblas-openmp`,
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
    "/opt/OpenBLAS/lib",
  ];
};

const OPENBLAS: LibrarySpec = {
  label: "libopenblas",
  sonames: ["libopenblas.so.0", "libopenblas.so"],
  folders: libFolders(),
  installHint: "install the Debian package libopenblas0",
};

const LAPACKE: LibrarySpec = {
  label: "liblapacke",
  sonames: ["liblapacke.so.3", "liblapacke.so"],
  folders: libFolders(),
  installHint: "install the Debian package liblapacke",
};

const cache = new Map<string, OpenBlasBindings>();

/**
 * Finds, loads and declares the OpenBLAS and LAPACKE functions.
 * @throws FeaturewiseError BACKEND_UNAVAILABLE naming the missing library and its Debian package
 */
export function loadOpenBlas(overrides: LibraryPathOverrides): OpenBlasBindings {
  const openblasPath = locateLibrary(
    OPENBLAS,
    overrides.openblas === null
      ? null
      : { variable: LIBRARY_PATH_VARIABLES.openblas, value: overrides.openblas, kind: "file" },
  );
  const key = `${openblasPath}\n${overrides.lapacke ?? ""}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;

  shortenOpenBlasSpin();
  const blas = openLibrary(openblasPath, "libopenblas");
  const where = `libopenblas (${openblasPath})`;
  const dsyrk = declare(
    blas,
    "void cblas_dsyrk(int order, int uplo, int trans, int n, int k, double alpha, const double *a, int lda, double beta, double *c, int ldc)",
    where,
  );
  const ssyrk = declare(
    blas,
    "void cblas_ssyrk(int order, int uplo, int trans, int n, int k, float alpha, const float *a, int lda, float beta, float *c, int ldc)",
    where,
  );
  const dgemm = declare(
    blas,
    "void cblas_dgemm(int order, int transa, int transb, int m, int n, int k, double alpha, const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc)",
    where,
  );
  const dsyevdProto =
    "int LAPACKE_dsyevd(int layout, char jobz, char uplo, int n, double *a, int lda, double *w)";

  let lapackePath: string;
  let dsyevd: NativeFunction;
  if (overrides.lapacke === null && hasSymbol(blas, dsyevdProto)) {
    // Some OpenBLAS builds bundle LAPACKE (Debian's does not).
    lapackePath = openblasPath;
    dsyevd = declare(blas, dsyevdProto, where);
  } else {
    lapackePath = locateLibrary(
      LAPACKE,
      overrides.lapacke === null
        ? null
        : { variable: LIBRARY_PATH_VARIABLES.lapacke, value: overrides.lapacke, kind: "file" },
    );
    dsyevd = declare(
      openLibrary(lapackePath, "liblapacke"),
      dsyevdProto,
      `liblapacke (${lapackePath})`,
    );
  }

  const getThreads = hasSymbol(blas, "int openblas_get_num_threads(void)")
    ? blas.func("int openblas_get_num_threads(void)")
    : null;
  const setThreads = hasSymbol(blas, "void openblas_set_num_threads(int count)")
    ? blas.func("void openblas_set_num_threads(int count)")
    : null;
  const bindings: OpenBlasBindings = {
    openblasPath,
    lapackePath,
    dsyrk,
    ssyrk,
    dgemm,
    dsyevd,
    threads: () => (getThreads === null ? null : Number(getThreads())),
    setThreads: (count) => {
      setThreads?.(count);
    },
  };
  cache.set(key, bindings);
  return bindings;
}

function hasSymbol(lib: ReturnType<typeof openLibrary>, prototype: string): boolean {
  try {
    lib.func(prototype);
    return true;
  } catch {
    return false;
  }
}
