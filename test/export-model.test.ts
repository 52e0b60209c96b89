/**
 * `featurewise export-model` end to end: for every image fixture model, both
 * formats, with a std and a ZCA artifact fitted on the fixture's PNGs,
 * `predict --model <exported> --no-stats` gives `predict --model <original>
 * --stats <artifact>`'s outputs to ≤1e-5. The exported ONNX passes Debian's
 * `onnx.checker` (python3-onnx; skipped with the reason where it is not
 * installed: CI does not install it). Bad input is refused with the input named.
 * graph-mlp (2 channels, which no image has) is covered with made-up
 * statistics in packages/predict/src/export/export-parity.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREDICT_DEFAULTS } from "@featurewise/core";
import { runPredict } from "@featurewise/predict";
import { runCli, runCliOk } from "./helpers/cli.js";
import {
  IMAGE_MODELS,
  imageFixture,
  maxAbsDiff,
  MODELS,
  readNpyOutput,
} from "./helpers/predict.js";

const TOLERANCE = 1e-5;
const PYTHON = "/usr/bin/python3";
let tmp: string;
/** Fits by images folder and flags: cifar-cnn and two-outputs share their 32x32x3 images. */
const artifacts = new Map<string, Promise<string>>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "fw-export-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The artifact `fit` writes for a fixture's images with `flags`, fitted once.
 * One OpenBLAS thread: the 3072² eigendecomposition of a ZCA fit took 18 s
 * with two spinning threads on the loaded 2-vCPU VM, and over 120 s once.
 */
function artifactFor(name: string, flags: readonly string[]): Promise<string> {
  const fx = imageFixture(name);
  const id = `${fx.images} ${flags.join(" ")}`;
  let known = artifacts.get(id);
  if (known === undefined) {
    const out = path.join(tmp, `art-${artifacts.size}`);
    known = runCliOk(["fit", fx.images, "--out", out, "--color-mode", fx.colorMode, ...flags], {
      OPENBLAS_NUM_THREADS: "1",
    }).then(() => out);
    artifacts.set(id, known);
  }
  return known;
}

/** predict's outputs (npy parts) for `model`, with the artifact or, when null, on decoded pixels. */
async function predictOutputs(
  name: string,
  model: string,
  stats: string | null,
): Promise<ReturnType<typeof readNpyOutput>> {
  const fx = imageFixture(name);
  const out = mkdtempSync(path.join(tmp, "pred-"));
  rmSync(out, { recursive: true });
  await runPredict(
    {
      ...PREDICT_DEFAULTS,
      source: fx.images,
      model,
      stats,
      out,
      format: "npy",
      device: "cpu",
      imagesPerShard: 8,
      decode: { ...PREDICT_DEFAULTS.decode, colorMode: fx.colorMode },
    },
    () => {},
  );
  return readNpyOutput(out);
}

/** Whether Debian's python3-onnx can be imported, and why not. */
function onnxChecker(): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(PYTHON, ["-c", "import onnx"], { encoding: "utf8" });
  if (r.status === 0) return { ok: true };
  return {
    ok: false,
    reason: r.error ? `${PYTHON}: ${r.error.message}` : (r.stderr.trim().split("\n").at(-1) ?? ""),
  };
}

const FITS = {
  std: ["--center", "--std"],
  zca: ["--zca"],
} as const;

describe.each(["std", "zca"] as const)("a %s artifact", (kind) => {
  describe.each([
    ["onnx", "model.onnx"],
    ["tfjs", "model.json"],
  ] as const)("%s", (format, entry) => {
    it.each(IMAGE_MODELS)(
      `%s: predict(exported, --no-stats) = predict(original, --stats) to ≤${TOLERANCE}`,
      async (name) => {
        // A ZCA matrix applies in the order it was fitted: the NCHW model's is fitted channels_first.
        const layout = name === "nchw-cnn" ? ["--data-format", "channels_first"] : [];
        const stats = await artifactFor(name, [...FITS[kind], ...layout]);
        const original = path.join(MODELS, name, entry);
        const exported = path.join(tmp, `export-${kind}-${format}-${name}`);
        const run = await runCliOk([
          "export-model",
          "--model",
          original,
          "--stats",
          stats,
          "--out",
          exported,
          "--json",
        ]);
        const result = JSON.parse(run.stdout) as { steps: string[]; input: { name: string } };
        expect(result.steps).toEqual(
          kind === "std" ? ["center", "std_normalization"] : ["center", "zca_whitening"],
        );
        expect(result.input.name).toBe("pixels");
        const want = await predictOutputs(name, original, stats);
        const got = await predictOutputs(name, path.join(exported, entry), null);
        expect(got.keys).toEqual(want.keys);
        for (const [output, expected] of want.outputs) {
          const diff = maxAbsDiff(got.outputs.get(output)!, expected);
          expect(diff, `${name} ${output}: max |Δ| ${diff}`).toBeLessThanOrEqual(TOLERANCE);
        }
        // Not vacuous: the original model on unstandardized pixels answers otherwise.
        const raw = await predictOutputs(name, original, null);
        const first = [...want.outputs.keys()][0]!;
        expect(maxAbsDiff(raw.outputs.get(first)!, want.outputs.get(first)!)).toBeGreaterThan(1e-3);
      },
      600_000, // a ZCA fit of 32x32x3 images on a loaded VM
    );
  });
});

describe("the command as users run it", () => {
  it("rescale, center, std: a .onnx file out; predict on both, through the CLI", async () => {
    const fx = imageFixture("cifar-cnn");
    const stats = await artifactFor("cifar-cnn", ["--rescale", "1/255", "--center", "--std"]);
    const exported = path.join(tmp, "cli", "cifar-rescaled.onnx");
    const run = await runCliOk([
      "export-model",
      "--model",
      path.join(MODELS, "cifar-cnn"),
      "--stats",
      stats,
      "--out",
      exported,
    ]);
    expect(run.stdout).toContain(`exported file://${exported} (onnx)`);
    expect(run.stdout).toContain("prepended: rescale -> center -> std_normalization");
    const outs = { original: path.join(tmp, "cli-orig"), exported: path.join(tmp, "cli-exp") };
    await runCliOk([
      "predict",
      fx.images,
      "--model",
      path.join(MODELS, "cifar-cnn", "model.onnx"),
      "--stats",
      stats,
      "--out",
      outs.original,
      "--format",
      "npy",
    ]);
    await runCliOk([
      "predict",
      fx.images,
      "--model",
      exported,
      "--no-stats",
      "--out",
      outs.exported,
      "--format",
      "npy",
    ]);
    const want = readNpyOutput(outs.original).outputs.get("probs")!;
    const got = readNpyOutput(outs.exported).outputs.get("probs")!;
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("the exported ONNX passes onnx.checker (full check, shape inference)", async (ctx) => {
    const checker = onnxChecker();
    if (!checker.ok) {
      console.log(
        `skipped: python3-onnx is not importable (${checker.reason}); apt-get install python3-onnx`,
      );
      ctx.skip();
      return;
    }
    const checked: string[] = [];
    for (const [name, fit] of [
      ["cifar-cnn", FITS.zca],
      ["nchw-cnn", [...FITS.zca, "--data-format", "channels_first"]],
      ["gray-cnn", FITS.std],
      ["two-outputs", FITS.std],
    ] as const) {
      const out = path.join(tmp, `checked-${name}.onnx`);
      await runCliOk([
        "export-model",
        "--model",
        path.join(MODELS, name, "model.onnx"),
        "--stats",
        await artifactFor(name, fit),
        "--out",
        out,
      ]);
      checked.push(out);
    }
    const script = [
      "import json, sys, onnx",
      "for f in sys.argv[1:]:",
      "    m = onnx.load(f)",
      "    onnx.checker.check_model(m, full_check=True)",
      "    print(json.dumps([m.graph.input[0].name, [p.key for p in m.metadata_props]]))",
    ].join("\n");
    const r = spawnSync(PYTHON, ["-c", script, ...checked], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const line of r.stdout.trim().split("\n")) {
      expect(JSON.parse(line)).toEqual(["pixels", ["featurewise.standardization"]]);
    }
  });
});

describe("export-model refuses bad input", () => {
  const cifar = path.join(MODELS, "cifar-cnn", "model.onnx");

  async function refused(args: Record<string, string>, extra: string[] = []) {
    const stats = await artifactFor("cifar-cnn", FITS.std);
    const out = path.join(tmp, `refused-${Math.random().toString(36).slice(2)}`);
    const r = await runCli([
      "export-model",
      "--model",
      args["model"] ?? cifar,
      "--stats",
      args["stats"] ?? stats,
      "--out",
      args["out"] ?? out,
      ...extra,
    ]);
    expect(r.code).toBe(1);
    if (args["out"] === undefined) expect(() => readdirSync(out)).toThrow(); // nothing written
    return r.stderr;
  }

  it("a file that is not a model: MODEL_INVALID naming it", async () => {
    const bad = path.join(tmp, "not-a-model.onnx");
    writeFileSync(bad, "this is not an ONNX model\n");
    expect(await refused({ model: bad })).toMatch(
      new RegExp(`model ${bad}: not an ONNX model \\(protobuf: `),
    );
  });

  it("a hostile protobuf length: refused at once, nothing allocated for it", async () => {
    const bad = path.join(tmp, "hostile.onnx");
    // Field 7 (graph), length-delimited, claiming 2^62 bytes.
    writeFileSync(bad, Buffer.from([0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]));
    expect(await refused({ model: bad })).toMatch(/runs past the end of its message/);
  });

  it("a model.json that is not JSON: MODEL_INVALID with the reason", async () => {
    const dir = mkdtempSync(path.join(tmp, "badjson-"));
    writeFileSync(path.join(dir, "model.json"), "{ not json");
    expect(await refused({ model: path.join(dir, "model.json") })).toMatch(
      /not a TensorFlow.js model.json/,
    );
  });

  it("a model whose input does not take the artifact's images: MODEL_MISMATCH naming both shapes", async () => {
    const stats16 = await artifactFor("nchw-cnn", FITS.std); // 16x16x3 images
    const message = await refused({ stats: stats16 });
    expect(message).toContain(`model ${cifar} and --stats`);
    expect(message).toContain('model input "input" [?,32,32,3]');
    expect(message).toContain("the images are 16x16x3 (H, W, C)");
  });

  it("a ZCA artifact fitted channels_last for an NCHW model: MODEL_MISMATCH", async () => {
    const zca = await artifactFor("nchw-cnn", FITS.zca);
    expect(
      await refused({ model: path.join(MODELS, "nchw-cnn", "model.onnx"), stats: zca }),
    ).toMatch(/takes NCHW; the ZCA artifact .* was fitted channels_last/);
  });

  it("a missing artifact: NOT_FOUND naming it", async () => {
    const missing = path.join(tmp, "no-such-artifact");
    expect(await refused({ stats: missing })).toContain(
      `--stats ${missing}: there is no stats.json`,
    );
  });

  it("a model already at --out, unless --overwrite", async () => {
    const out = path.join(tmp, "twice.onnx");
    const stats = await artifactFor("cifar-cnn", FITS.std);
    const args = ["export-model", "--model", cifar, "--stats", stats, "--out", out];
    await runCliOk(args);
    const again = await runCli(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists; pass --overwrite to replace it");
    await runCliOk([...args, "--overwrite"]);
  });
});
