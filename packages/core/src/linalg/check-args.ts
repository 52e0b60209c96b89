/** Argument checks shared by the linear-algebra routines. */
import { ErrorCodes, FeaturewiseError } from "../errors.js";

/** Throws INVALID_ARGUMENT unless `value` is a non-negative safe integer. */
export function checkDim(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name} = ${value} is not a non-negative integer`,
    );
  }
}

/** Throws INVALID_ARGUMENT unless `array` holds at least (or, if `exact`, exactly) `needed` values. */
export function checkLength(
  name: string,
  array: Float64Array,
  needed: number,
  exact: boolean,
): void {
  if (exact ? array.length !== needed : array.length < needed) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name} has ${array.length} values, needs ${exact ? "exactly" : "at least"} ${needed}`,
    );
  }
}
