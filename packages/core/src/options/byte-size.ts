/**
 * Byte counts as people write them: `2G`, `500M`, `1.5GiB`, `4096`. One
 * parser and one formatter for the CLI's options, its help, docs/cli.md and
 * error messages, so a size reads the same everywhere. Units are powers of
 * 1024 (k, M, G, T; an optional `i` and `B` are accepted: `2G` = `2GiB` =
 * 2147483648 bytes).
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";

const UNITS = ["", "k", "M", "G", "T"] as const;

/**
 * Reads a byte count; `what` names the input in the error (a flag, a field).
 * @throws FeaturewiseError INVALID_ARGUMENT for anything but a non-negative size
 */
export function parseByteSize(what: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (m === null) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${what} ${JSON.stringify(text)}: expected a byte count like 2G, 500M or 4096 (k/M/G/T are powers of 1024)`,
    );
  }
  const power = UNITS.findIndex((u) => u.toLowerCase() === m[2]!.toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** power);
}

/**
 * A byte count in the form {@link parseByteSize} reads: the largest unit
 * that keeps a value of at least 1, with up to one decimal (`2G`, `1.5M`,
 * `75.5M`, `512`). Exact for round sizes; `formatByteSize(2 * 1024 ** 3)` is `2G`.
 */
export function formatByteSize(bytes: number): string {
  let u = 0;
  while (u < UNITS.length - 1 && Math.abs(bytes) >= 1024 ** (u + 1)) u++;
  const v = bytes / 1024 ** u;
  const text = Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, "");
  return `${text}${UNITS[u]}`;
}
