/** A fixture model's outputs, run in two batches, assembled into a part and written as Parquet. */
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { openModelPath } from "../model-files.js";
import { selectRuntime } from "../runtime-registry.js";
import { maxAbsDiff, readFixture } from "../test-support.js";
import { PartAssembler } from "./part-assembler.js";
import { partFormat } from "./part-format.js";
import "../builtin-runtimes.js";
import "./builtin-formats.js";

const dir = mkdtempSync(path.join(tmpdir(), "fw-predict-assembler-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("PartAssembler", () => {
  it("two batches of a two-output model become one part; DuckDB reads torch's values and the top-3", async () => {
    const ref = readFixture("two-outputs");
    const { model } = await selectRuntime(
      "onnx",
      await openModelPath(path.join(ref.folder, "model.onnx")),
    );
    const per = ref.input.data.length / ref.input.dims[0]!;
    const keys = ["img/0.png", "img/1.png", "img/2.png", "img/3.png", "img/4.png"];
    const labels = Array.from({ length: 10 }, (_, i) => `class ${i}`);
    const parts = new PartAssembler(
      3,
      model.outputs.map((o) => o.name),
      { topK: { k: 3, labels } },
    );
    for (const [from, to] of [
      [0, 2],
      [2, 5],
    ] as const) {
      const out = await model.run(ref.input.data.subarray(from * per, to * per), [
        to - from,
        ...ref.input.dims.slice(1),
      ]);
      parts.add(keys.slice(from, to), out);
    }
    await model.dispose();
    const part = parts.finish();
    expect(part.outputs.map((o) => [o.name, o.rowShape])).toEqual([
      ["probs", [10]],
      ["embedding", [6]],
    ]);
    expect(maxAbsDiff(part.outputs[0]!.data, ref.expected.get("probs")!.data)).toBeLessThanOrEqual(
      1e-4,
    );
    expect(
      maxAbsDiff(part.outputs[1]!.data, ref.expected.get("embedding")!.data),
    ).toBeLessThanOrEqual(1e-4);

    const [file] = partFormat("parquet").encode(part);
    writeFileSync(path.join(dir, file!.name), file!.bytes);
    const duck = await (await DuckDBInstance.create(":memory:")).connect();
    const rows = (
      await duck.runAndReadAll(
        `SELECT key, probs, top_k_index, top_k_label FROM read_parquet('${path.join(dir, "part-000003.parquet")}')`,
      )
    ).getRowObjectsJS();
    duck.closeSync();
    expect(rows.map((r) => r.key)).toEqual(keys);
    const expected = ref.expected.get("probs")!.data;
    for (const [i, row] of rows.entries()) {
      const scores = Array.from(expected.subarray(i * 10, i * 10 + 10));
      const best = scores
        .map((s, c) => [s, c] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 3)
        .map(([, c]) => c);
      expect(row.top_k_index).toEqual(best);
      expect(row.top_k_label).toEqual(best.map((c) => `class ${c}`));
    }
  });

  it("refuses a batch whose rows disagree with its keys, and labels that do not fit", () => {
    const parts = new PartAssembler(0, ["y"], { topK: { k: 1, labels: ["a", "b"] } });
    const y = { data: new Float32Array(6), dims: [2, 3] };
    expect(() => parts.add(["k"], new Map([["y", y]]))).toThrow(
      'part 0: output "y" has shape [2,3]; expected [1,3]',
    );
    expect(() => parts.add(["k"], new Map())).toThrow('part 0: the batch has no output "y"');
    parts.add(["a", "b"], new Map([["y", y]]));
    expect(() => parts.finish()).toThrow('top-k: 2 labels; output "y" has 3 classes');
  });
});
