/** Where the CUDA runtime, cuBLAS and cuSOLVER are looked for, and which sonames are accepted. */
import { homedir } from "node:os";
import type { LibrarySpec } from "../find-library.js";
import { multiarchTriplet } from "../find-library.js";

/** Folders searched after FEATUREWISE_CUDA_LIB_DIR and the linker cache. */
export function cudaFolders(): string[] {
  const target = process.arch === "arm64" ? "sbsa-linux" : "x86_64-linux";
  const sitePackages = [
    "/usr/local/lib/python3*/dist-packages",
    "/usr/local/lib/python3*/site-packages",
    "/usr/lib/python3/dist-packages",
    "/usr/lib/python3*/site-packages",
    "/opt/conda/lib/python3*/site-packages",
    "/opt/*/.venv/lib/python3*/site-packages",
    `${homedir()}/.local/lib/python3*/site-packages`,
  ];
  return [
    `/usr/local/cuda/targets/${target}/lib`,
    `/usr/local/cuda*/targets/${target}/lib`,
    "/usr/local/cuda/lib64",
    "/usr/local/cuda*/lib64",
    "/usr/local/cuda*/lib",
    `/usr/lib/${multiarchTriplet()}`,
    ...sitePackages.map((p) => `${p}/nvidia/*/lib`),
  ];
}

const INSTALL_HINT = "install the CUDA runtime";

/** libcudart: the CUDA runtime (13 preferred, 12 accepted). */
export const CUDART: LibrarySpec = {
  label: "libcudart",
  sonames: ["libcudart.so.13", "libcudart.so.12"],
  folders: cudaFolders(),
  installHint: `${INSTALL_HINT} (NVIDIA's cuda-cudart package or pip nvidia-cuda-runtime), or set FEATUREWISE_CUDA_LIB_DIR`,
};

/**
 * cuBLAS and cuSOLVER matching a runtime's major version (CUDA 13 ships
 * libcublas.so.13 and libcusolver.so.12, CUDA 12 ships .12 and .11); the
 * other generation is accepted as a fallback.
 */
export function mathLibrarySpecs(cudartMajor: number): {
  cublas: LibrarySpec;
  cusolver: LibrarySpec;
} {
  const cublas =
    cudartMajor === 12
      ? ["libcublas.so.12", "libcublas.so.13"]
      : ["libcublas.so.13", "libcublas.so.12"];
  const cusolver =
    cudartMajor === 12
      ? ["libcusolver.so.11", "libcusolver.so.12"]
      : ["libcusolver.so.12", "libcusolver.so.11"];
  return {
    cublas: {
      label: "libcublas",
      sonames: cublas,
      folders: cudaFolders(),
      installHint: `install cuBLAS (NVIDIA's libcublas package or pip nvidia-cublas), or set FEATUREWISE_CUDA_LIB_DIR`,
    },
    cusolver: {
      label: "libcusolver",
      sonames: cusolver,
      folders: cudaFolders(),
      installHint: `install cuSOLVER (NVIDIA's libcusolver package or pip nvidia-cusolver), or set FEATUREWISE_CUDA_LIB_DIR`,
    },
  };
}

/**
 * Libraries that cuBLAS and cuSOLVER link against. When one sits next to the
 * library being loaded it is loaded first, so that a CUDA folder missing from
 * the linker's search path still works.
 */
export const CUDA_COMPANIONS: readonly string[] = [
  "libcublasLt.so.13",
  "libcublasLt.so.12",
  "libnvJitLink.so.13",
  "libnvJitLink.so.12",
  "libcusparse.so.12",
  "libcusparse.so.11",
  "libcublas.so.13",
  "libcublas.so.12",
];
