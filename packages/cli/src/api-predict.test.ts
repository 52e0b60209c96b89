import path from "node:path";
import { describe, expect, it } from "vitest";
import { predictRequestBody } from "./api-predict.js";

describe("predictRequestBody", () => {
  it("sends predict's flags as given, local locations made absolute, URIs and other values untouched", () => {
    const body = predictRequestBody("images", {
      model: "models/cnn.onnx",
      stats: "s3://bucket/stats/train",
      out: "preds",
      labels: "labels.txt",
      batchSize: "64",
      topK: "5",
      resume: true,
    });
    expect(body).toEqual({
      source: path.resolve("images"),
      model: path.resolve("models/cnn.onnx"),
      stats: "s3://bucket/stats/train",
      out: path.resolve("preds"),
      labels: path.resolve("labels.txt"),
      batchSize: "64",
      topK: "5",
      resume: true,
    });
  });

  it("keeps --no-stats as stats: false", () => {
    const body = predictRequestBody("s3://bucket/images", {
      model: "/m.onnx",
      stats: false,
      out: "/o",
    });
    expect(body).toEqual({
      source: "s3://bucket/images",
      model: "/m.onnx",
      stats: false,
      out: "/o",
    });
  });
});
