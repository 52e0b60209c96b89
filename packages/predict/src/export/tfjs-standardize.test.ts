/** Hostile or unusual model.json topologies are refused with MODEL_INVALID / MODEL_MISMATCH, never a TypeError. */
import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "@featurewise/core";
import { parseTfjsGraphModel } from "./tfjs-graph-standardize.js";
import type { TfjsModelJson } from "./tfjs-model-json.js";
import { parseTfjsLayersModel } from "./tfjs-standardize.js";

const input = {
  class_name: "InputLayer",
  config: { name: "x", batch_input_shape: [null, 8, 8, 3], dtype: "float32" },
  inbound_nodes: [],
};
function layers(list: unknown[], manifest: unknown[] = [], inputs: unknown = [["x", 0, 0]]) {
  return {
    modelTopology: {
      class_name: "Model",
      config: { layers: list, input_layers: inputs, output_layers: [] },
    },
    weightsManifest: manifest,
  } as unknown as TfjsModelJson;
}
function graph(nodes: unknown[]) {
  return {
    format: "graph-model",
    modelTopology: { node: nodes },
    weightsManifest: [],
  } as unknown as TfjsModelJson;
}
function refusal(parse: () => unknown): { code: string; message: string } {
  try {
    parse();
  } catch (err) {
    if (isFeaturewiseError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("not refused");
}

describe("parseTfjsLayersModel", () => {
  it("reads the InputLayer's name and shape", () => {
    expect(parseTfjsLayersModel(layers([input]), "m.json").input).toEqual({
      name: "x",
      shape: [null, 8, 8, 3],
    });
  });

  it.each([
    ["a null layer", layers([input, null]), "MODEL_INVALID", /must each have a class_name/],
    [
      "a layer without config",
      layers([input, { class_name: "Dense" }]),
      "MODEL_INVALID",
      /class_name/,
    ],
    [
      "a weight without a name",
      layers([input], [{ paths: ["w.bin"], weights: [{ shape: [1] }] }]),
      "MODEL_INVALID",
      /give each weight a name/,
    ],
    [
      "two inputs",
      layers(
        [input],
        [],
        [
          ["x", 0, 0],
          ["y", 0, 0],
        ],
      ),
      "MODEL_MISMATCH",
      /2 inputs/,
    ],
    [
      "an input that is no InputLayer",
      layers([input], [], [["z", 0, 0]]),
      "MODEL_INVALID",
      /"z" is not an InputLayer/,
    ],
    [
      "an int32 input",
      layers([{ ...input, config: { ...input.config, dtype: "int32" } }]),
      "MODEL_MISMATCH",
      /is int32; featurewise feeds float32/,
    ],
  ])("refuses %s", (_, doc, code, message) => {
    const r = refusal(() => parseTfjsLayersModel(doc, "m.json"));
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });
});

describe("parseTfjsGraphModel", () => {
  const placeholder = {
    name: "x",
    op: "Placeholder",
    attr: {
      dtype: { type: "DT_FLOAT" },
      shape: { shape: { dim: [{ size: "-1" }, { size: "4" }] } },
    },
  };

  it("reads the Placeholder's name and shape", () => {
    expect(parseTfjsGraphModel(graph([placeholder]), "g.json").input).toEqual({
      name: "x",
      shape: [null, 4],
    });
  });

  it.each([
    ["a null node", graph([placeholder, null]), "MODEL_INVALID", /a name and an op/],
    ["no Placeholder", graph([]), "MODEL_MISMATCH", /0 Placeholder inputs/],
    [
      "a Placeholder without a shape",
      graph([{ ...placeholder, attr: { dtype: { type: "DT_FLOAT" } } }]),
      "MODEL_MISMATCH",
      /states no shape/,
    ],
    [
      "a uint8 Placeholder",
      graph([{ ...placeholder, attr: { ...placeholder.attr, dtype: { type: "DT_UINT8" } } }]),
      "MODEL_MISMATCH",
      /is DT_UINT8/,
    ],
  ])("refuses %s", (_, doc, code, message) => {
    const r = refusal(() => parseTfjsGraphModel(doc, "g.json"));
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });
});
