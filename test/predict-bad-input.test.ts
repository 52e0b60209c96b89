/**
 * Bad input to `featurewise predict`, each refused with a clear error (the
 * input named, what was expected) and nothing lost: no half result passes
 * for a finished one (no manifest.json), skipped images are listed.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOk } from "./helpers/cli.js";
import { imageFixture, MODELS, readManifest } from "./helpers/predict.js";

let tmp: string;
let stats: string;
const fx = imageFixture("cifar-cnn");
const cifar = path.join(MODELS, "cifar-cnn", "model.onnx");

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-predict-bad-"));
  stats = path.join(tmp, "art");
  await runCliOk(["fit", fx.images, "--out", stats, "--center", "--std"]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs predict with the fixture images and artifact unless overridden. */
function predict(out: string, ...args: string[]) {
  const base = { "--model": cifar, "--stats": stats, "--source": fx.images };
  const given = new Map<string, string>(Object.entries(base));
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (given.has(a)) given.set(a, args[++i]!);
    else rest.push(a);
  }
  return runCli([
    "predict",
    given.get("--source")!,
    "--model",
    given.get("--model")!,
    "--stats",
    given.get("--stats")!,
    "--out",
    out,
    ...rest,
  ]);
}

describe("predict refuses bad input", () => {
  it("a corrupt model file: MODEL_INVALID naming the file, exit 1, nothing written", async () => {
    const bad = path.join(tmp, "corrupt.onnx");
    writeFileSync(bad, "this is not an ONNX model");
    // Several runs: each session thread refuses the model, and one stopped
    // while another still made its session aborted the process (SIGABRT) in
    // about one run in four before the threads were let settle.
    const outs = [1, 2, 3, 4, 5, 6].map((i) => path.join(tmp, `out-corrupt-${i}`));
    const runs = await Promise.all(outs.map((out) => predict(out, "--model", bad)));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^featurewise: error: .*corrupt\.onnx/);
      expect(r.stderr).toMatch(/not .*model|invalid|protobuf|load/i);
    }
    for (const out of outs) expect(existsSync(out)).toBe(false);
  });

  it("a model whose input does not fit the artifact: MODEL_MISMATCH naming both shapes, before any image", async () => {
    const out = path.join(tmp, "out-mismatch");
    const r = await predict(out, "--model", path.join(MODELS, "gray-cnn", "model.onnx"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('model input "input" [?,28,28,1]');
    expect(r.stderr).toContain("the images are 32x32x3 (H, W, C)");
    expect(existsSync(out)).toBe(false);
  });

  it("a missing artifact: NOT_FOUND naming --stats and what was expected", async () => {
    const out = path.join(tmp, "out-missing-art");
    const r = await predict(out, "--stats", path.join(tmp, "no-such-artifact"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /--stats .*no-such-artifact: there is no stats\.json at .*; expected an artifact written by featurewise fit/,
    );
    expect(existsSync(out)).toBe(false);
  });

  describe("corrupt images", () => {
    let images: string;
    beforeAll(() => {
      images = path.join(tmp, "with-corrupt");
      mkdirSync(images);
      for (const k of fx.keys) copyFileSync(path.join(fx.images, k), path.join(images, k));
      writeFileSync(path.join(images, "05b.png"), "\x89PNG\r\n\x1a\n but cut short");
    });

    it("under --on-error skip: listed in manifest.json with the reason, the rest predicted", async () => {
      const out = path.join(tmp, "out-skip");
      const r = await predict(
        out,
        "--source",
        images,
        "--max-skipped",
        "1",
        "--images-per-shard",
        "8",
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("predicted 20 images (1 skipped)");
      expect(r.stdout).toMatch(/skipped 05b\.png: /);
      const m = readManifest(out);
      expect(m.n).toBe(20);
      expect(m.skipped.count).toBe(1);
      expect(m.skipped.items[0]!.key).toBe("05b.png");
      expect(m.skipped.items[0]!.reason.length).toBeGreaterThan(5);
      expect(m.parts.map((p) => p.rows)).toEqual([7, 8, 5]); // 05b.png was in the first shard
    });

    it("a shard whose every image is skipped still gets its part (0 rows, the same columns)", async () => {
      const three = path.join(tmp, "three");
      mkdirSync(three);
      copyFileSync(path.join(fx.images, fx.keys[0]!), path.join(three, "a.png"));
      writeFileSync(path.join(three, "b.png"), "not a png");
      copyFileSync(path.join(fx.images, fx.keys[1]!), path.join(three, "c.png"));
      const out = path.join(tmp, "out-empty-part");
      const r = await predict(
        out,
        "--source",
        three,
        "--images-per-shard",
        "1",
        "--max-skipped",
        "1",
        "--top-k",
        "3",
        "--format",
        "jsonl",
      );
      expect(r.code, r.stderr).toBe(0);
      const m = readManifest(out);
      expect(m.parts.map((p) => p.rows)).toEqual([1, 0, 1]);
      expect(m.skipped.items.map((s) => s.key)).toEqual(["b.png"]);
      expect(readFileSync(path.join(out, "part-000001.jsonl"), "utf8")).toBe("");
    });

    it("beyond --max-skipped (1% by default): TOO_MANY_SKIPPED, exit 1, no manifest.json", async () => {
      const out = path.join(tmp, "out-too-many");
      const r = await predict(out, "--source", images);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/skipped/i);
      expect(existsSync(path.join(out, "manifest.json"))).toBe(false);
    });

    it("under --on-error fail: the image named, exit 1, no manifest.json", async () => {
      const out = path.join(tmp, "out-fail");
      const r = await predict(out, "--source", images, "--on-error", "fail");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^featurewise: error: .*05b\.png: /);
      expect(existsSync(path.join(out, "manifest.json"))).toBe(false);
    });
  });

  it("an --out holding another run: refused (exit 2) unless --overwrite; the same run needs --resume", async () => {
    const out = path.join(tmp, "out-taken");
    expect((await predict(out)).code).toBe(0);
    const first = readManifest(out);

    const again = await predict(out);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`--out file://${out} holds this run's finished result`);
    expect((await predict(out, "--resume")).code).toBe(0);
    expect(readManifest(out).timings).toMatchObject({ partsReused: 1 });

    const twoOutputs = path.join(MODELS, "two-outputs", "model.onnx");
    const other = await predict(out, "--model", twoOutputs);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds another run's parts \(model differ\): pass --resume/);
    const resumeOther = await predict(out, "--model", twoOutputs, "--resume");
    expect(resumeOther.code).toBe(2);
    expect(resumeOther.stderr).toContain("--resume continues only the same run");
    expect(readManifest(out).model.sha256).toBe(first.model.sha256); // untouched

    const replaced = await predict(out, "--model", twoOutputs, "--overwrite");
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readManifest(out).model.sha256).not.toBe(first.model.sha256);
    expect(readdirSync(out).sort()).toEqual([
      "manifest.json",
      "part-000000.parquet",
      "part-000000.record.json",
      "predict-run.json",
    ]);
  });

  it("usage errors exit 2: no --stats nor --no-stats, --rescale with --stats, an unknown format", async () => {
    const out = path.join(tmp, "out-usage");
    const noStats = await runCli(["predict", fx.images, "--model", cifar, "--out", out]);
    expect(noStats.code).toBe(2);
    expect(noStats.stderr).toContain("--stats <artifact> is required (or --no-stats");
    expect((await predict(out, "--rescale", "1/255")).stderr).toContain(
      "--rescale goes with --no-stats",
    );
    const fmt = await predict(out, "--format", "csv");
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toContain('--format "csv": expected one of parquet, npy, jsonl');
  });

  it("--no-stats --rescale runs the model on rescaled decoded pixels", async () => {
    const out = path.join(tmp, "out-no-stats");
    const r = await runCli([
      "predict",
      fx.images,
      "--model",
      cifar,
      "--no-stats",
      "--rescale",
      "1/255",
      "--out",
      out,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = readManifest(out);
    expect(m.n).toBe(20);
    expect(m["artifact"]).toBeNull();
    expect(m["rescale"]).toBeCloseTo(1 / 255, 15);
  });
});
