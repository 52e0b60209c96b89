/**
 * `--format npy`: `part-000042.npy` (n, …) float32 for a model with one
 * output, `part-000042.<output>.npy` for each output of a model with several
 * (the name percent-encoded where it is not a plain file name), and the keys
 * in `part-000042.keys.jsonl` (core's `encodeKeysJsonl`, as transform writes its keys).
 */
import { encodeKeysJsonl, encodeNpy } from "@featurewise/core";
import type { PartFormat } from "./part-format.js";
import { checkPart, invalid, partBaseName, type PredictionPart } from "./prediction-part.js";

/** The npy format, as registered. */
export const npyFormat: PartFormat = {
  name: "npy",
  encode(part: PredictionPart) {
    checkPart(part);
    const base = partBaseName(part.index);
    if (part.topK !== undefined) {
      // core's npy codec writes float32/float64/uint8 only; an int32 index
      // array would need it extended. Refused rather than left out silently.
      throw invalid(`${base}: top-k columns are written by the parquet and jsonl formats, not npy`);
    }
    const n = part.keys.length;
    const files = part.outputs.map((out) => ({
      name: part.outputs.length === 1 ? `${base}.npy` : `${base}.${fileSafe(out.name)}.npy`,
      bytes: encodeNpy(out.data, [n, ...out.rowShape]),
    }));
    files.push({ name: `${base}.keys.jsonl`, bytes: encodeKeysJsonl(part.keys) });
    return files;
  },
};

/** An output name as a file-name segment: letters, digits, `_`, `-` and `.` kept, the rest percent-encoded. */
export function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/gu, (c) =>
    Array.from(
      new TextEncoder().encode(c),
      (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    ).join(""),
  );
  return safe === "." || safe === ".." ? safe.replace(/\./g, "%2E") : safe;
}
