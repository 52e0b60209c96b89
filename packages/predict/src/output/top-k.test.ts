import { describe, expect, it } from "vitest";
import { parseLabels, topK } from "./top-k.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("topK", () => {
  it("takes the k best of each row, best first", () => {
    const r = topK(Float32Array.of(0.1, 0.5, 0.2, 0.2, /* row 2 */ 3, -1, 7, 0), 2, 4);
    expect(Array.from(r.index)).toEqual([1, 2, 2, 0]);
    expect(Array.from(r.score)).toEqual([0.5, Math.fround(0.2), 7, 3]);
  });

  it("keeps the lower class first on ties and ranks NaN last", () => {
    expect(Array.from(topK(Float32Array.of(1, 1, 1), 3).index)).toEqual([0, 1, 2]);
    expect(Array.from(topK(Float32Array.of(NaN, -5, NaN, 2), 4).index)).toEqual([3, 1, 0, 2]);
  });

  it("k = the row length sorts the row; n = 1 row by default", () => {
    const r = topK(Float32Array.of(2, 9, 4), 3);
    expect(Array.from(r.index)).toEqual([1, 2, 0]);
  });

  it("refuses a k outside 1..classes and rows that do not divide", () => {
    expect(() => topK(new Float32Array(10), 11, 10)).toThrow(
      "top-k: k 11 must be an integer from 1 to 10 (the output's classes)",
    );
    expect(() => topK(new Float32Array(10), 0, 10)).toThrow(/k 0 must be/);
    expect(() => topK(new Float32Array(10), 1, 3)).toThrow(
      "top-k: 10 scores do not split into rows of 3",
    );
  });
});

describe("parseLabels", () => {
  it("reads one label a line, \\r\\n and a final newline optional, a BOM dropped", () => {
    expect(parseLabels(bytes("\uFEFFcat\r\ndog\nship\n"), "labels.txt", 3)).toEqual([
      "cat",
      "dog",
      "ship",
    ]);
    expect(parseLabels(bytes("a b\nc"), "l.txt")).toEqual(["a b", "c"]);
  });

  it("refuses an empty line, a count that differs from the classes, bytes that are not UTF-8", () => {
    expect(() => parseLabels(bytes("cat\n\ndog\n"), "labels.txt")).toThrow(
      "labels labels.txt: line 2 is empty; expected one class name a line",
    );
    expect(() => parseLabels(bytes("cat\ndog\n"), "labels.txt", 10)).toThrow(
      "labels labels.txt: 2 labels; the output has 10 classes",
    );
    expect(() => parseLabels(Uint8Array.of(0xff, 0xfe, 0x41), "bin.txt")).toThrow(
      "labels bin.txt: not UTF-8 text",
    );
  });
});
