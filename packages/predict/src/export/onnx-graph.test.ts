import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { concatBytes, isFeaturewiseError } from "@featurewise/core";
import { MODELS_DIR } from "../test-support.js";
import { MIN_OPSET, ONNX, parseOnnxModel } from "./onnx-graph.js";
import { bytesField, varintField } from "./protobuf-wire.js";

describe("parseOnnxModel", () => {
  const cifar = readFileSync(new URL("cifar-cnn/model.onnx", MODELS_DIR));

  it("reads the fixture's input, and every name in the graph", () => {
    const model = parseOnnxModel(cifar, "cifar.onnx");
    expect(model.input).toEqual({ name: "input", shape: [null, 32, 32, 3] });
    expect(model.names.has("input")).toBe(true);
    expect(model.names.has("probs")).toBe(true);
  });

  /** A ModelProto with `graph`'s fields, IR 8 and opset 17 unless given. */
  function model(graph: Uint8Array[], ir = 8, opset = 17): Uint8Array {
    return concatBytes([
      varintField(ONNX.model.irVersion, ir),
      bytesField(ONNX.model.graph, concatBytes(graph)),
      bytesField(ONNX.model.opsetImport, varintField(ONNX.opset.version, opset)),
    ]);
  }
  function input(name: string, elemType = 1, dims: number[] | null = [1, 8, 8, 3]): Uint8Array {
    const shape =
      dims === null
        ? []
        : [
            bytesField(
              ONNX.tensorType.shape,
              concatBytes(
                dims.map((d) => bytesField(ONNX.shape.dim, varintField(ONNX.dim.value, d))),
              ),
            ),
          ];
    const tensor = concatBytes([varintField(ONNX.tensorType.elemType, elemType), ...shape]);
    return bytesField(
      ONNX.graph.input,
      concatBytes([
        bytesField(ONNX.valueInfo.name, name),
        bytesField(ONNX.valueInfo.type, bytesField(ONNX.type.tensorType, tensor)),
      ]),
    );
  }
  function refusal(bytes: Uint8Array): { code: string; message: string } {
    try {
      parseOnnxModel(bytes, "m.onnx");
    } catch (err) {
      if (isFeaturewiseError(err)) return { code: err.code, message: err.message };
      throw err;
    }
    throw new Error("not refused");
  }

  it("reads a hand-built model", () => {
    expect(parseOnnxModel(model([input("x")]), "m.onnx").input).toEqual({
      name: "x",
      shape: [1, 8, 8, 3],
    });
  });

  it.each([
    [
      "text",
      new TextEncoder().encode("hello, this is no model"),
      "MODEL_INVALID",
      /not an ONNX model/,
    ],
    ["no graph", varintField(ONNX.model.irVersion, 8), "MODEL_INVALID", /one graph/],
    ["IR version 3", model([input("x")], 3), "MODEL_INVALID", /IR version 3 is older than 4/],
    [
      "opset 6",
      model([input("x")], 8, 6),
      "MODEL_INVALID",
      new RegExp(`opset is 6; export-model needs ${MIN_OPSET}`),
    ],
    ["two inputs", model([input("a"), input("b")]), "MODEL_MISMATCH", /2 inputs \(a, b\)/],
    [
      "a uint8 input",
      model([input("x", 2)]),
      "MODEL_MISMATCH",
      /element type 2; featurewise feeds float32/,
    ],
    ["no shape", model([input("x", 1, null)]), "MODEL_MISMATCH", /states no shape/],
  ])("refuses %s", (_, bytes, code, message) => {
    const r = refusal(bytes);
    expect(r.code).toBe(code);
    expect(r.message).toMatch(/^model m\.onnx: /);
    expect(r.message).toMatch(message);
  });
});
