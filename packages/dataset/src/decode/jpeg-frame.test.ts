import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readJpegFrame } from "./jpeg-frame.js";

const FIXTURES = fileURLToPath(new URL("../../../../fixtures/keras-decode/", import.meta.url));

describe("readJpegFrame", () => {
  it("reads size, precision and components of the fixtures' JPEGs (named HxW)", () => {
    expect(readJpegFrame(readFileSync(`${FIXTURES}rgb_40x33.jpg`))).toEqual({
      width: 33,
      height: 40,
      precision: 8,
      components: 3,
    });
    expect(readJpegFrame(readFileSync(`${FIXTURES}gray_31x29.jpg`))).toMatchObject({
      width: 29,
      height: 31,
      components: 1,
    });
  });

  it("returns null for bytes that do not reach a frame header", () => {
    const jpeg = readFileSync(`${FIXTURES}rgb_40x33.jpg`);
    expect(readJpegFrame(jpeg.subarray(0, 20))).toBeNull();
    expect(readJpegFrame(readFileSync(`${FIXTURES}rgb_16x16.png`))).toBeNull();
    // A segment length under 2 and a scan before any frame.
    expect(readJpegFrame(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 0, 0]))).toBeNull();
    expect(readJpegFrame(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 0, 0]))).toBeNull();
  });
});
