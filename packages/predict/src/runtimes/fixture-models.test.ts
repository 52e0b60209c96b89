/**
 * Every fixture model (built by torch, fixtures/models/make_models.py) gives
 * torch's outputs to ≤1e-4 on both runtimes, with its input layout detected.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openModelPath } from "../model-files.js";
import { resolveInputLayout } from "../model-input.js";
import type { LoadedModel } from "../runtime.js";
import { selectRuntime } from "../runtime-registry.js";
import { FIXTURE_MODELS, maxAbsDiff, readFixture } from "../test-support.js";
import "../builtin-runtimes.js";

const TOLERANCE = 1e-4;
const loaded: LoadedModel[] = [];
afterAll(async () => {
  for (const m of loaded) await m.dispose();
});

describe.each([
  ["onnx", "model.onnx"],
  ["tfjs", "model.json"],
] as const)("runtime %s", (runtime, entry) => {
  it.each(FIXTURE_MODELS)(`%s matches torch's outputs to ≤${TOLERANCE}`, async (name) => {
    const ref = readFixture(name);
    const files = await openModelPath(path.join(ref.folder, entry));
    const { model, reason } = await selectRuntime(runtime, files, { device: "cpu" });
    loaded.push(model);
    expect(reason).toMatch(new RegExp(`^${runtime} \\(requested\\): device cpu: .*\\bcpu \\(`));
    const input = resolveInputLayout(model.input, ref.image);
    expect(input.layout).toBe(ref.layout);
    expect(input.dims(ref.input.dims[0]!)).toEqual(ref.input.dims);
    expect(model.outputs.map((o) => o.name)).toEqual([...ref.expected.keys()]);

    const out = await model.run(ref.input.data, ref.input.dims);
    for (const [output, expected] of ref.expected) {
      const got = out.get(output)!;
      expect(got.dims).toEqual(expected.dims);
      const diff = maxAbsDiff(got.data, expected.data);
      expect(diff, `${name} ${output}: max |Δ| ${diff}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});

describe("batches of any size", () => {
  it("runs one image and the whole batch alike (free batch axis)", async () => {
    const ref = readFixture("cifar-cnn");
    for (const entry of ["model.onnx", "model.json"]) {
      const { model } = await selectRuntime(
        "auto",
        await openModelPath(path.join(ref.folder, entry)),
      );
      loaded.push(model);
      const per = ref.input.data.length / ref.input.dims[0]!;
      const one = await model.run(ref.input.data.subarray(per, 2 * per), [
        1,
        ...ref.input.dims.slice(1),
      ]);
      const expected = ref.expected.get("probs")!;
      const row = expected.data.subarray(10, 20);
      expect(maxAbsDiff(one.get("probs")!.data, row)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
