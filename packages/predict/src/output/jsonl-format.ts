/**
 * `--format jsonl`: `part-000042.jsonl`, one object a row in key order:
 * `{"key": …, "<output>": [floats], "top_k_index": […], "top_k_score": […], "top_k_label": […]}`.
 * Floats are the shortest text that reads back to the same float32; NaN and
 * ±Infinity are null (JSON has neither).
 */
import { float32Text } from "./float-text.js";
import type { PartFormat } from "./part-format.js";
import { checkPart, partBaseName, type PredictionPart } from "./prediction-part.js";

/** The jsonl format, as registered. */
export const jsonlFormat: PartFormat = {
  name: "jsonl",
  encode(part: PredictionPart) {
    checkPart(part);
    const lines: string[] = [];
    const floats = (a: Float32Array) => `[${Array.from(a, float32Text).join(",")}]`;
    for (const [row, key] of part.keys.entries()) {
      const fields = [`"key":${JSON.stringify(key)}`];
      for (const out of part.outputs) {
        const per = out.data.length / part.keys.length;
        fields.push(
          `${JSON.stringify(out.name)}:${floats(out.data.subarray(row * per, (row + 1) * per))}`,
        );
      }
      const top = part.topK;
      if (top !== undefined) {
        const index = top.index.subarray(row * top.k, (row + 1) * top.k);
        fields.push(`"top_k_index":[${index.join(",")}]`);
        fields.push(`"top_k_score":${floats(top.score.subarray(row * top.k, (row + 1) * top.k))}`);
        if (top.labels !== undefined) {
          fields.push(
            `"top_k_label":${JSON.stringify(Array.from(index, (i) => top.labels![i] ?? null))}`,
          );
        }
      }
      lines.push(`{${fields.join(",")}}\n`);
    }
    return [
      {
        name: `${partBaseName(part.index)}.jsonl`,
        bytes: new TextEncoder().encode(lines.join("")),
      },
    ];
  },
};
