/**
 * The protobuf wire format, as little of it as `export-model` needs to edit
 * an ONNX ModelProto without a schema compiler: split a message into its
 * fields (values are views of the input, never copies), and encode fields.
 * Fields the editor does not touch are written back byte for byte, so
 * everything it does not know (new ONNX fields included) survives.
 *
 * Reading is bounded for hostile files: every length is checked against the
 * bytes left, varints are at most 10 bytes, groups (wire types 3, 4) are
 * refused, and nothing is allocated beyond one small record per field.
 */
import { concatBytes } from "@featurewise/core";

/** Varint (0), 64-bit (1), length-delimited (2), 32-bit (5). */
export type WireType = 0 | 1 | 2 | 5;

/** One field of a message as it appears on the wire. */
export interface WireField {
  readonly field: number;
  readonly wireType: WireType;
  /** Varints: the value (unsigned, 64 bits). Others: 0n. */
  readonly int: bigint;
  /** Length-delimited: the payload; fixed-size: their bytes. A view of the input. */
  readonly bytes: Uint8Array;
  /** The whole field, tag included: a view of the input, for writing it back unchanged. */
  readonly raw: Uint8Array;
}

/** Thrown for bytes that are not a protobuf message; the caller names the file. */
export class WireFormatError extends Error {
  override readonly name = "WireFormatError";
}

/** The fields of one message, in wire order. */
export function readFields(message: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < message.length) {
    const start = at;
    const tag = readVarint(message, at);
    at = tag.next;
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (field < 1 || field > 536_870_911) {
      throw new WireFormatError(`field number ${field} at byte ${start} is out of range`);
    }
    let int = 0n;
    let bytes: Uint8Array;
    if (wireType === 0) {
      const v = readVarint(message, at);
      int = v.value;
      bytes = message.subarray(at, v.next);
      at = v.next;
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      if (at + size > message.length) throw truncated(start);
      bytes = message.subarray(at, at + size);
      at += size;
    } else if (wireType === 2) {
      const len = readVarint(message, at);
      at = len.next;
      if (len.value > BigInt(message.length - at)) throw truncated(start);
      const end = at + Number(len.value);
      bytes = message.subarray(at, end);
      at = end;
    } else {
      throw new WireFormatError(`wire type ${wireType} at byte ${start} is not supported`);
    }
    fields.push({
      field,
      wireType: wireType as WireType,
      int,
      bytes,
      raw: message.subarray(start, at),
    });
  }
  return fields;
}

/** The fields numbered `field`, in wire order. */
export function fieldsNumbered(fields: readonly WireField[], field: number): WireField[] {
  return fields.filter((f) => f.field === field);
}

/** The last length-delimited field numbered `field` as UTF-8 text ("" when absent, as protobuf reads it). */
export function stringField(fields: readonly WireField[], field: number): string {
  const f = fields.findLast((x) => x.field === field && x.wireType === 2);
  return f === undefined ? "" : new TextDecoder().decode(f.bytes);
}

/** The last varint field numbered `field` as a signed 64-bit number, or undefined. */
export function intField(fields: readonly WireField[], field: number): number | undefined {
  const f = fields.findLast((x) => x.field === field && x.wireType === 0);
  return f === undefined ? undefined : Number(BigInt.asIntN(64, f.int));
}

function readVarint(bytes: Uint8Array, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= bytes.length) throw truncated(at);
    const b = bytes[at + i]!;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value: BigInt.asUintN(64, value), next: at + i + 1 };
  }
  throw new WireFormatError(`varint at byte ${at} is longer than 10 bytes`);
}

function truncated(at: number): WireFormatError {
  return new WireFormatError(`field at byte ${at} runs past the end of its message`);
}

/** A varint (negative numbers as 64-bit two's complement, as int64 fields are written). */
export function encodeVarint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? b : b | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** A varint field. */
export function varintField(field: number, value: number | bigint): Uint8Array {
  return concatBytes([encodeVarint(field * 8), encodeVarint(value)]);
}

/** A length-delimited field holding `payload` (a message, bytes, or text). */
export function bytesField(field: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  return concatBytes([encodeVarint(field * 8 + 2), encodeVarint(body.length), body]);
}
