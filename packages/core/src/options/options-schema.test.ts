import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { formatByteSize, parseByteSize } from "./byte-size.js";
import { FIT_DEFAULTS } from "./fit-options.js";
import { FIT_OPTION_SPECS } from "./option-specs.js";
import { fitOptionsFromFlags, flagKey, predictOptionsFromFlags } from "./option-flags.js";
import {
  fitOptionsSchema,
  fitRequestJsonSchema,
  parseFitRequest,
  parsePredictRequest,
  predictRequestJsonSchema,
} from "./options-schema.js";
import { PREDICT_OPTION_SPECS } from "./predict-option-specs.js";
import { exceedsSkipLimit, formatSkipLimit, parseSkipLimit } from "./skip-limit.js";

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  flag?: string;
  description?: string;
  required?: string[];
  additionalProperties?: boolean;
};

function invalidArgument(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    expect(isFeaturewiseError(e, "INVALID_ARGUMENT"), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error("expected INVALID_ARGUMENT");
}

describe("fit request schema (the HTTP API's flat body)", () => {
  it("has one property per fit flag, in camelCase, with its flag, description and stated default", () => {
    const schema = fitRequestJsonSchema() as JsonSchema;
    const props = schema.properties!;
    expect(Object.keys(props).sort()).toEqual(
      ["source", ...FIT_OPTION_SPECS.map((s) => flagKey(s.flag))].sort(),
    );
    expect(schema.required?.sort()).toEqual(["out", "source"]);
    expect(schema.additionalProperties).toBe(false);
    for (const spec of FIT_OPTION_SPECS) {
      const p = props[flagKey(spec.flag)]!;
      expect(p.flag, spec.path).toBe(spec.flag.split(" ")[0]);
      expect(p.description, spec.path).toBe(spec.description);
    }
    expect(props["zcaEpsilon"]!.default).toBe("1e-6");
    expect(props["maxZcaBytes"]!.default).toBe("2G");
  });

  it("reads a body as `fit` reads its flags, defaults filled in", () => {
    const full = parseFitRequest({ source: "./images", out: "./stats" });
    // What `fit ./images --out ./stats` runs (followLinks is left out unless on, as the CLI does).
    const { followLinks, ...defaults } = FIT_DEFAULTS;
    expect(followLinks).toBe(false);
    expect(full).toEqual({ source: "./images", out: "./stats", ...defaults });
    expect(fitOptionsSchema.parse(full)).toEqual(full);
    const flags = {
      out: "./stats",
      std: true,
      rescale: "1/255",
      size: "224x224",
      maxSkipped: "2%",
      imagesPerShard: 500,
    };
    const options = parseFitRequest({ source: "./images", ...flags });
    expect(options).toEqual(fitOptionsFromFlags("./images", { ...flags, imagesPerShard: "500" }));
    expect(options.flags.featurewiseStdNormalization).toBe(true);
    expect(options.rescale).toBe(1 / 255);
    expect(options.decode.targetSize).toEqual([224, 224]);
    expect(options.maxSkipped).toEqual({ fraction: 0.02 });
    // A JSON number reads as the same double as its text.
    expect(parseFitRequest({ source: "x", out: "y", rescale: 1 / 255 }).rescale).toBe(1 / 255);
  });

  it("refuses unknown fields, wrong types and bad values, naming them", () => {
    expect(
      invalidArgument(() => parseFitRequest({ source: "x", out: "y", colorMode: "cmyk" })).message,
    ).toMatch(/--color-mode "cmyk": expected one of rgb, grayscale, rgba/);
    expect(
      invalidArgument(() =>
        parseFitRequest({ source: "x", out: "y", flags: { zcaWhitening: true } }),
      ).message,
    ).toMatch(/malformed fit request: .*flags/);
    expect(
      invalidArgument(() => parseFitRequest({ source: "x", out: "y", std: "yes" })).message,
    ).toMatch(/malformed fit request: .*std/);
    expect(invalidArgument(() => parseFitRequest({ source: "x" })).message).toMatch(/out/);
    expect(
      invalidArgument(() => parseFitRequest({ source: "x", out: "y", size: "big" })).message,
    ).toMatch(/--size "big": expected HEIGHTxWIDTH/);
  });
});

describe("prediction request schema", () => {
  it("has one property per predict flag; stats is required, an artifact or false", () => {
    const schema = predictRequestJsonSchema() as JsonSchema;
    const keys = Object.keys(schema.properties!);
    for (const spec of PREDICT_OPTION_SPECS) expect(keys).toContain(flagKey(spec.flag));
    expect(keys).toEqual(expect.arrayContaining(["source", "colorMode", "size", "interpolation"]));
    expect(schema.required?.sort()).toEqual(["model", "out", "source", "stats"]);
  });

  it("reads a body as `predict` reads its flags", () => {
    const flags = { model: "m.onnx", stats: "./stats", out: "./pred", topK: 5, batchSize: "32" };
    const options = parsePredictRequest({ source: "./images", ...flags });
    expect(options).toEqual(predictOptionsFromFlags("./images", flags));
    expect(options).toMatchObject({ stats: "./stats", topK: 5, batchSize: 32, format: "parquet" });
    const raw = parsePredictRequest({
      source: "i",
      model: "m",
      stats: false,
      out: "o",
      rescale: "1/255",
    });
    expect(raw).toMatchObject({ stats: null, rescale: 1 / 255 });
    expect(
      invalidArgument(() =>
        parsePredictRequest({ source: "i", model: "m", stats: "s", out: "o", rescale: 2 }),
      ).message,
    ).toMatch(/--rescale goes with --no-stats/);
    expect(
      invalidArgument(() =>
        parsePredictRequest({
          source: "i",
          model: "m",
          stats: false,
          out: "o",
          resume: true,
          overwrite: true,
        }),
      ).message,
    ).toMatch(/--resume and --overwrite exclude each other/);
    expect(
      invalidArgument(() => parsePredictRequest({ source: "i", model: "m", out: "o" })).message,
    ).toMatch(/stats/);
  });
});

describe("option values", () => {
  it("byte sizes read and print alike everywhere", () => {
    expect(parseByteSize("--x", "2G")).toBe(2 * 1024 ** 3);
    expect(parseByteSize("--x", "2GiB")).toBe(2 * 1024 ** 3);
    expect(parseByteSize("--x", "500m")).toBe(500 * 1024 ** 2);
    expect(parseByteSize("--x", "4096")).toBe(4096);
    expect(formatByteSize(2 * 1024 ** 3)).toBe("2G");
    expect(formatByteSize(181269430272)).toBe("168.8G");
    expect(formatByteSize(512)).toBe("512");
    expect(formatByteSize(1536)).toBe("1.5k");
    for (const text of ["2G", "75.5M", "1.5k", "3T"])
      expect(formatByteSize(parseByteSize("--x", text))).toBe(text);
    expect(() => parseByteSize("--max-zca-bytes", "2 gigs")).toThrow(
      /--max-zca-bytes "2 gigs": expected a byte count like 2G/,
    );
  });

  it("skip limits are a count or a fraction", () => {
    expect(parseSkipLimit("--m", "25")).toEqual({ count: 25 });
    expect(parseSkipLimit("--m", "0")).toEqual({ count: 0 });
    expect(parseSkipLimit("--m", "1%")).toEqual({ fraction: 0.01 });
    expect(parseSkipLimit("--m", "0.5")).toEqual({ fraction: 0.5 });
    for (const bad of ["-1", "1.5", "101%", "", "x"])
      expect(() => parseSkipLimit("--m", bad), bad).toThrow(/--m/);
    expect(formatSkipLimit({ fraction: 0.01 })).toBe("1%");
    expect(formatSkipLimit({ count: 3 })).toBe("3");
    expect(exceedsSkipLimit({ fraction: 0.01 }, 1, 101)).toBe(false);
    expect(exceedsSkipLimit({ fraction: 0.01 }, 2, 101)).toBe(true);
    expect(exceedsSkipLimit({ count: 0 }, 1, 1000)).toBe(true);
  });
});
