/** Return codes of the CUDA runtime, cuBLAS and cuSOLVER, and the checks that turn them into errors. */
import { nativeFailure } from "../native-status.js";

/** cublasStatus_t names (cublas_api.h). */
const CUBLAS_STATUS: Record<number, string> = {
  0: "CUBLAS_STATUS_SUCCESS",
  1: "CUBLAS_STATUS_NOT_INITIALIZED",
  3: "CUBLAS_STATUS_ALLOC_FAILED",
  7: "CUBLAS_STATUS_INVALID_VALUE",
  8: "CUBLAS_STATUS_ARCH_MISMATCH",
  11: "CUBLAS_STATUS_MAPPING_ERROR",
  13: "CUBLAS_STATUS_EXECUTION_FAILED",
  14: "CUBLAS_STATUS_INTERNAL_ERROR",
  15: "CUBLAS_STATUS_NOT_SUPPORTED",
  16: "CUBLAS_STATUS_LICENSE_ERROR",
};

/** cusolverStatus_t names (cusolver_common.h). */
const CUSOLVER_STATUS: Record<number, string> = {
  0: "CUSOLVER_STATUS_SUCCESS",
  1: "CUSOLVER_STATUS_NOT_INITIALIZED",
  2: "CUSOLVER_STATUS_ALLOC_FAILED",
  3: "CUSOLVER_STATUS_INVALID_VALUE",
  4: "CUSOLVER_STATUS_ARCH_MISMATCH",
  5: "CUSOLVER_STATUS_MAPPING_ERROR",
  6: "CUSOLVER_STATUS_EXECUTION_FAILED",
  7: "CUSOLVER_STATUS_INTERNAL_ERROR",
  8: "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED",
  9: "CUSOLVER_STATUS_NOT_SUPPORTED",
};

/** Names a cudaError_t, e.g. "cudaErrorMemoryAllocation (out of memory)". */
export type CudaErrorNamer = (code: number) => string;

/** Throws BACKEND_UNAVAILABLE unless `status` (a cudaError_t) is cudaSuccess. */
export function checkCuda(status: unknown, what: string, name: CudaErrorNamer): void {
  const code = Number(status);
  if (code !== 0) throw nativeFailure(what, name(code));
}

/** Throws BACKEND_UNAVAILABLE unless `status` (a cublasStatus_t) is CUBLAS_STATUS_SUCCESS. */
export function checkCublas(status: unknown, what: string): void {
  const code = Number(status);
  if (code !== 0) throw nativeFailure(what, CUBLAS_STATUS[code] ?? `cublasStatus ${code}`);
}

/** Throws BACKEND_UNAVAILABLE unless `status` (a cusolverStatus_t) is CUSOLVER_STATUS_SUCCESS. */
export function checkCusolver(status: unknown, what: string): void {
  const code = Number(status);
  if (code !== 0) throw nativeFailure(what, CUSOLVER_STATUS[code] ?? `cusolverStatus ${code}`);
}
