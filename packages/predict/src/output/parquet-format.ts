/**
 * `--format parquet`: `part-000042.parquet`, one row group, rows in key order:
 * `key` (string), one `list<float32>` column per model output (named after
 * it; a multi-dimensional output is flattened row-major, its shape kept in
 * the file's key-value metadata `featurewise.outputs`), and with top-k
 * `top_k_index` (list<int32>), `top_k_score` (list<float32>), `top_k_label`
 * (list<string>, with labels).
 *
 * Written with hyparquet-writer (pure JS, one dependency): for 1,024 rows ×
 * 10 floats it took 12 ms against parquet-wasm's 21 ms (with an Arrow IPC
 * round trip) and @dsnp/parquetjs's 36 ms (docs/predict.md, "Prediction output").
 * Bytes depend only on the part (no timestamps), so a resumed run rewrites
 * identical files.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { FEATUREWISE_VERSION } from "@featurewise/core";
import type { PartFormat } from "./part-format.js";
import { checkPart, partBaseName, type PredictionPart } from "./prediction-part.js";

type Leaf = "FLOAT" | "INT32" | "STRING";
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]["schema"]>[number];

/** The parquet format, as registered. */
export const parquetFormat: PartFormat = {
  name: "parquet",
  encode(part: PredictionPart) {
    checkPart(part);
    const n = part.keys.length;
    const schema: SchemaElement[] = [{ name: "root", num_children: 0 }];
    const columnData: { name: string; data: unknown[] }[] = [];
    schema.push({
      name: "key",
      type: "BYTE_ARRAY",
      converted_type: "UTF8",
      repetition_type: "REQUIRED",
    });
    columnData.push({ name: "key", data: [...part.keys] });
    const list = (name: string, leaf: Leaf, rows: unknown[]) => {
      schema.push(
        { name, repetition_type: "REQUIRED", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        leaf === "STRING"
          ? {
              name: "element",
              type: "BYTE_ARRAY",
              converted_type: "UTF8",
              repetition_type: "REQUIRED",
            }
          : { name: "element", type: leaf, repetition_type: "REQUIRED" },
      );
      columnData.push({ name, data: rows });
    };
    for (const out of part.outputs) list(out.name, "FLOAT", rowsOf(out.data, n));
    const top = part.topK;
    if (top !== undefined) {
      list("top_k_index", "INT32", rowsOf(top.index, n));
      list("top_k_score", "FLOAT", rowsOf(top.score, n));
      if (top.labels !== undefined) {
        const labels = top.labels;
        list(
          "top_k_label",
          "STRING",
          rowsOf(top.index, n).map((row) => row.map((i) => labels[i] ?? "")),
        );
      }
    }
    schema[0] = { name: "root", num_children: columnData.length };
    const shapes = Object.fromEntries(part.outputs.map((o) => [o.name, o.rowShape]));
    const buffer = parquetWriteBuffer({
      columnData: columnData as Parameters<typeof parquetWriteBuffer>[0]["columnData"],
      schema,
      rowGroupSize: Math.max(1, n),
      createdBy: `featurewise ${FEATUREWISE_VERSION}`,
      kvMetadata: [{ key: "featurewise.outputs", value: JSON.stringify(shapes) }],
    });
    return [{ name: `${partBaseName(part.index)}.parquet`, bytes: new Uint8Array(buffer) }];
  },
};

/** n rows of a flat array as plain number arrays (what the writer's Dremel encoder walks). */
function rowsOf(values: Float32Array | Int32Array, n: number): number[][] {
  const per = n === 0 ? 0 : values.length / n;
  return Array.from({ length: n }, (_, r) => Array.from(values.subarray(r * per, (r + 1) * per)));
}
