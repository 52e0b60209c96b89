/**
 * Reading option values as people type them (`1/255`, `224x224`, `2G`):
 * the command line's flags and the HTTP API's flat requests alike.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";
import { parseByteSize } from "./byte-size.js";

function invalid(flag: string, value: string, expected: string): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `${flag} ${JSON.stringify(value)}: expected ${expected}`,
  );
}

/** `--rescale`: a number ("0.0039") or a fraction ("1/255"); finite and non-zero. */
export function parseRescale(value: string): number {
  const parts = value.split("/");
  const nums = parts.map((p) => (p.trim() === "" ? NaN : Number(p)));
  const v = nums.length === 1 ? nums[0]! : nums.length === 2 ? nums[0]! / nums[1]! : NaN;
  if (!Number.isFinite(v) || v === 0)
    throw invalid("--rescale", value, "a non-zero number or a fraction like 1/255");
  return v;
}

/** `--size HxW` → [height, width]. */
export function parseSize(value: string): [number, number] {
  const m = /^(\d+)x(\d+)$/i.exec(value.trim());
  const h = Number(m?.[1]);
  const w = Number(m?.[2]);
  if (m === null || h < 1 || w < 1)
    throw invalid("--size", value, "HEIGHTxWIDTH in pixels, like 32x32");
  return [h, w];
}

/** A positive byte count like 2G (core's parseByteSize: k/M/G/T are powers of 1024). */
export function parseBytes(flag: string, value: string): number {
  const v = parseByteSize(flag, value);
  if (v <= 0) throw invalid(flag, value, "a byte count above 0, like 2G or 500M");
  return v;
}

/** A positive integer option. */
export function parsePositiveInt(flag: string, value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 1) throw invalid(flag, value, "a positive integer");
  return v;
}

/** A whole number option that may be 0. */
export function parseNonNegativeInt(flag: string, value: string): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0) throw invalid(flag, value, "a whole number, 0 or more");
  return v;
}

/** A positive finite number option. */
export function parsePositiveNumber(flag: string, value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0) throw invalid(flag, value, "a positive number");
  return v;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(
  flag: string,
  value: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(value))
    throw invalid(flag, value, `one of ${choices.join(", ")}`);
  return value as T;
}
