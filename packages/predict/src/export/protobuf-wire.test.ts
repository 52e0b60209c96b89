import { describe, expect, it } from "vitest";
import { concatBytes } from "@featurewise/core";
import {
  bytesField,
  encodeVarint,
  intField,
  readFields,
  stringField,
  varintField,
  WireFormatError,
} from "./protobuf-wire.js";

describe("protobuf wire format", () => {
  it("encodes varints as protobuf does, int64 −1 as 10 bytes", () => {
    expect([...encodeVarint(0)]).toEqual([0]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect(encodeVarint(-1)).toHaveLength(10);
    const fields = readFields(concatBytes([varintField(1, -1), varintField(2, 2 ** 40)]));
    expect(intField(fields, 1)).toBe(-1);
    expect(intField(fields, 2)).toBe(2 ** 40);
  });

  it("reads fields back: text, nested messages, fixed-size values", () => {
    const nested = concatBytes([bytesField(1, "a"), bytesField(1, "é")]);
    const fixed = Uint8Array.of((3 << 3) | 5, 1, 2, 3, 4, (4 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8);
    const message = concatBytes([bytesField(7, nested), fixed, bytesField(2, "name")]);
    const fields = readFields(message);
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [7, 2],
      [3, 5],
      [4, 1],
      [2, 2],
    ]);
    expect(stringField(fields, 2)).toBe("name");
    expect(readFields(fields[0]!.bytes).map((f) => new TextDecoder().decode(f.bytes))).toEqual([
      "a",
      "é",
    ]);
    // Every byte belongs to one field's raw bytes: writing them back gives the message.
    expect(concatBytes(fields.map((f) => f.raw))).toEqual(message);
  });

  it.each([
    ["a length past the end", Uint8Array.of(0x3a, 0x05, 1, 2), /runs past the end/],
    [
      "a length of 2^62 bytes",
      Uint8Array.of(0x3a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40),
      /runs past the end/,
    ],
    ["a truncated varint", Uint8Array.of(0x08, 0x80), /runs past the end/],
    [
      "an 11-byte varint",
      Uint8Array.of(0x08, ...new Array<number>(10).fill(0x80), 1),
      /longer than 10 bytes/,
    ],
    ["a group (wire type 3)", Uint8Array.of(0x0b), /wire type 3/],
    ["field number 0", Uint8Array.of(0x00, 0x00), /field number 0/],
    ["a truncated fixed64", Uint8Array.of(0x09, 1, 2, 3), /runs past the end/],
  ])("refuses %s", (_, bytes, message) => {
    expect(() => readFields(bytes)).toThrow(WireFormatError);
    expect(() => readFields(bytes)).toThrow(message);
  });
});
