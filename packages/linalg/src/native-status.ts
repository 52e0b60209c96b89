/** Turning a failed native call into a FeaturewiseError. */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** A native routine failed at run time (BACKEND_UNAVAILABLE: "a compute backend … failed"). */
export function nativeFailure(what: string, detail: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.BACKEND_UNAVAILABLE, `${what} failed: ${detail}`);
}

/** LAPACKE's return value `info` of an eigensolver, as a sentence. */
export function describeLapackInfo(info: number): string {
  if (info === -1010) return "LAPACKE could not allocate its workspace (out of memory)";
  if (info === -1011) return "LAPACKE could not allocate a transposed copy (out of memory)";
  if (info < 0) return `argument ${-info} had an illegal value (info = ${info})`;
  return `the algorithm did not converge (info = ${info})`;
}
