import { describe, expect, it } from "vitest";
import { isFeaturewiseError } from "../errors.js";
import { decodeKeysJsonl, encodeKeysJsonl } from "./keys-jsonl.js";

describe("keys as JSON lines (issue 17, item 9)", () => {
  it("round-trips any key, newlines, quotes, backslashes and lone surrogates included", () => {
    const keys = [
      "a.png",
      "new\nline.jpg",
      'q"uote\\.png',
      "tab\there/ü.png",
      "\r\n",
      "lone\ud800.png",
      "",
    ];
    const bytes = encodeKeysJsonl(keys);
    const text = new TextDecoder().decode(bytes);
    expect(text.split("\n")).toHaveLength(keys.length + 1); // one line a key, then the final newline
    expect(decodeKeysJsonl(bytes, "k")).toEqual(keys);
  });

  it("refuses a line that is not a JSON string, naming it", () => {
    const bad = new TextEncoder().encode('"a"\n42\n');
    let err: unknown;
    try {
      decodeKeysJsonl(bad, "file:///x.keys.jsonl");
    } catch (e) {
      err = e;
    }
    expect(isFeaturewiseError(err, "CORRUPT_ARTIFACT"), String(err)).toBe(true);
    expect((err as Error).message).toMatch(/x\.keys\.jsonl: line 2 is not a JSON string/);
  });
});
