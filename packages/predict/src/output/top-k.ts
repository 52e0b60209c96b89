/** The k best classes of each row of scores, and the labels that name them. */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** The k best of each row: indexes and scores, n·k each, best first. */
export interface TopK {
  readonly k: number;
  readonly index: Int32Array;
  readonly score: Float32Array;
}

/**
 * The k largest scores of each row, best first; equal scores keep the lower
 * class index first, and NaN ranks below every number.
 * @param scores - n rows of `rowLength` scores, row-major
 * @param k - how many per row, 1 ≤ k ≤ rowLength
 * @param rowLength - scores per row @defaultValue scores.length (one row)
 * @throws FeaturewiseError INVALID_ARGUMENT for a k or rowLength that does not fit
 */
export function topK(scores: Float32Array, k: number, rowLength = scores.length): TopK {
  if (!Number.isSafeInteger(rowLength) || rowLength < 1 || scores.length % rowLength !== 0) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `top-k: ${scores.length} scores do not split into rows of ${rowLength}`,
    );
  }
  if (!Number.isSafeInteger(k) || k < 1 || k > rowLength) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `top-k: k ${k} must be an integer from 1 to ${rowLength} (the output's classes)`,
    );
  }
  const n = scores.length / rowLength;
  const index = new Int32Array(n * k);
  const score = new Float32Array(n * k);
  const order = new Int32Array(rowLength);
  for (let r = 0; r < n; r++) {
    const row = scores.subarray(r * rowLength, (r + 1) * rowLength);
    for (let i = 0; i < rowLength; i++) order[i] = i;
    // Partial selection: k passes of the remaining maximum (k is small).
    for (let j = 0; j < k; j++) {
      let best = j;
      for (let i = j + 1; i < rowLength; i++) if (better(row, order[i]!, order[best]!)) best = i;
      const t = order[j]!;
      order[j] = order[best]!;
      order[best] = t;
      index[r * k + j] = order[j]!;
      score[r * k + j] = row[order[j]!]!;
    }
  }
  return { k, index, score };
}

/** True when class a ranks above class b. */
function better(row: Float32Array, a: number, b: number): boolean {
  const x = row[a]!;
  const y = row[b]!;
  if (Number.isNaN(y)) return !Number.isNaN(x) || a < b;
  if (Number.isNaN(x)) return false;
  return x > y || (x === y && a < b);
}

/**
 * The class names of a labels file: one per line (UTF-8, `\n` or `\r\n`, a
 * final newline optional).
 * @param source - the file's name, for messages
 * @param classes - the number of classes of the output the labels name; checked when given
 * @throws FeaturewiseError INVALID_ARGUMENT for an empty line, invalid UTF-8 or a count that differs
 */
export function parseLabels(bytes: Uint8Array, source: string, classes?: number): string[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FeaturewiseError(ErrorCodes.INVALID_ARGUMENT, `labels ${source}: not UTF-8 text`);
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const empty = lines.findIndex((l) => l.trim() === "");
  if (empty >= 0) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `labels ${source}: line ${empty + 1} is empty; expected one class name a line`,
    );
  }
  if (classes !== undefined && lines.length !== classes) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `labels ${source}: ${lines.length} labels; the output has ${classes} classes`,
    );
  }
  return lines;
}
