import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { formatByteSize, parseByteSize } from "./byte-size.js";
import { FIT_DEFAULTS } from "./fit-options.js";
import { FIT_OPTION_SPECS } from "./option-specs.js";
import { fitOptionsSchema, fitRequestJsonSchema, parseFitRequest } from "./options-schema.js";
import { exceedsSkipLimit, formatSkipLimit, parseSkipLimit } from "./skip-limit.js";

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  flag?: string;
  description?: string;
  required?: string[];
};

/** The JSON Schema's leaf properties by dotted path. */
function leaves(schema: JsonSchema, prefix = ""): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const [name, s] of Object.entries(schema.properties ?? {})) {
    const p = prefix === "" ? name : `${prefix}.${name}`;
    if (s.properties !== undefined) for (const [k, v] of leaves(s, p)) out.set(k, v);
    else out.set(p, s);
  }
  return out;
}

/** FIT_DEFAULTS' value at a dotted path. */
function defaultAt(path: string): unknown {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], FIT_DEFAULTS);
}

describe("fit options schema", () => {
  it("generates a JSON Schema that covers every fit option with its flag, description and default", () => {
    const schema = fitRequestJsonSchema() as JsonSchema;
    const props = leaves(schema);
    expect([...props.keys()].sort()).toEqual(
      ["source", ...FIT_OPTION_SPECS.map((s) => s.path)].sort(),
    );
    expect(schema.required?.sort()).toEqual(["out", "source"]);
    for (const spec of FIT_OPTION_SPECS) {
      const p = props.get(spec.path)!;
      expect(p.flag, spec.path).toBe(spec.flag.split(" ")[0]);
      expect(p.description, spec.path).toBe(spec.description);
      if (spec.path !== "out") expect(p.default, spec.path).toEqual(defaultAt(spec.path));
    }
  });

  it("fills a request's defaults and refuses a bad field, naming it", () => {
    const full = parseFitRequest({ source: "./images", out: "./stats" });
    expect(full).toEqual({ source: "./images", out: "./stats", ...FIT_DEFAULTS });
    expect(fitOptionsSchema.parse(full)).toEqual(full);
    let err: unknown;
    try {
      parseFitRequest({ source: "x", out: "y", decode: { colorMode: "cmyk" } });
    } catch (e) {
      err = e;
    }
    expect(isFeaturewiseError(err, "INVALID_ARGUMENT")).toBe(true);
    expect((err as Error).message).toMatch(/malformed fit request: .*decode\.colorMode/);
  });

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
