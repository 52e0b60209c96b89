/**
 * Fixture models read from S3 (s3rver) through the storage package: both
 * runtimes give torch's outputs, as from a folder.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCodes } from "@featurewise/core";
import { modelFilesFromStore, selectRuntime } from "@featurewise/predict";
import { maxAbsDiff, readFixture } from "../packages/predict/src/test-support.js";
import { useS3Server } from "./helpers/s3-server.js";

const s3 = useS3Server(["models"]);

describe("models on S3", () => {
  it.each(["two-outputs", "nchw-cnn"])(
    "%s from s3:// matches torch on onnx and tfjs",
    async (name) => {
      const ref = readFixture(name);
      const store = s3.storage.open("s3://models/zoo");
      for (const file of ["model.onnx", "model.json", "weights.bin"]) {
        await store.put(`${name}/${file}`, readFileSync(path.join(ref.folder, file)));
      }
      for (const entry of ["model.onnx", "model.json"]) {
        const files = modelFilesFromStore(store, `${name}/${entry}`);
        expect(files.uri).toBe(`s3://models/zoo/${name}/${entry}`);
        const { model } = await selectRuntime("auto", files, { device: "cpu" });
        const out = await model.run(ref.input.data, ref.input.dims);
        for (const [output, expected] of ref.expected) {
          expect(maxAbsDiff(out.get(output)!.data, expected.data)).toBeLessThanOrEqual(1e-4);
        }
        await model.dispose();
      }
    },
  );

  it("a model.json on S3 without its weights is MODEL_INVALID naming the S3 location", async () => {
    const store = s3.storage.open("s3://models/broken");
    await store.put(
      "cnn/model.json",
      readFileSync(path.join(readFixture("cifar-cnn").folder, "model.json")),
    );
    const err = await selectRuntime("tfjs", modelFilesFromStore(store, "cnn/model.json")).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: ErrorCodes.MODEL_INVALID,
      message:
        'model s3://models/broken/cnn/model.json: the weight file "weights.bin" it names is missing',
    });
  });
});
