/**
 * `featurewise export-model` with the model, the artifact and the output on
 * S3 (s3rver): both formats, and the exported model read back from S3 by
 * `predict --no-stats` gives `predict --stats`'s outputs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliOk } from "./helpers/cli.js";
import { imageFixture, maxAbsDiff, readNpyOutput } from "./helpers/predict.js";
import { useS3Server } from "./helpers/s3-server.js";

const s3 = useS3Server(["models", "arts"]);
const fx = imageFixture("cifar-cnn");
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-export-s3-"));
  const models = s3.storage.open("s3://models/cnn");
  for (const f of ["model.onnx", "model.json", "weights.bin"]) {
    await models.put(f, readFileSync(path.join(fx.model, f)));
  }
  await runCliOk(["fit", fx.images, "--out", "s3://arts/std", "--center", "--std"], s3.server.env);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function predictNpy(args: string[], out: string): Promise<Float32Array> {
  await runCliOk(
    ["predict", fx.images, ...args, "--out", out, "--format", "npy", "--device", "cpu"],
    s3.server.env,
  );
  return readNpyOutput(out).outputs.get("probs")!;
}

describe("export-model on S3", () => {
  it.each([
    ["onnx", "s3://models/cnn/", "model.onnx", ["model.onnx"]],
    [
      "tfjs",
      "s3://models/cnn/model.json",
      "model.json",
      ["featurewise-standardize.bin", "model.json", "weights.bin"],
    ],
  ] as const)(
    "%s: s3:// model and artifact in, s3:// prefix out",
    async (format, model, entry, files) => {
      const out = `s3://models/cnn-std-${format}`;
      const run = await runCliOk(
        ["export-model", "--model", model, "--stats", "s3://arts/std", "--out", out, "--json"],
        s3.server.env,
      );
      expect(JSON.parse(run.stdout)).toMatchObject({ format, out: `${out}/${entry}` });
      const listed: string[] = [];
      for await (const o of s3.storage.open(out).list()) listed.push(o.key);
      expect(listed.sort()).toEqual([...files]);
      const want = await predictNpy(
        ["--model", `s3://models/cnn/${entry}`, "--stats", "s3://arts/std"],
        path.join(tmp, `want-${format}`),
      );
      const got = await predictNpy(
        ["--model", `${out}/${entry}`, "--no-stats"],
        path.join(tmp, `got-${format}`),
      );
      expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-5);
    },
  );
});
