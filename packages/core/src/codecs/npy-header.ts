/**
 * The text header of the NumPy `.npy` format: writing it byte-for-byte as
 * `numpy.lib.format` does, and parsing the Python-literal dict it holds.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";

/** Element types the npy codec supports, with their numpy `descr` strings. */
export type NpyDtype = "float64" | "float32" | "uint8";

/** The `descr` numpy writes for each supported dtype (little-endian). */
export const NPY_DESCR: Readonly<Record<NpyDtype, string>> = {
  float64: "<f8",
  float32: "<f4",
  uint8: "|u1",
};

/** numpy's spare room for growing the first axis in place (format.GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * The dict text numpy writes, e.g. `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`,
 * followed by the spare spaces numpy adds for the first axis (none for 0-d).
 */
export function formatNpyHeaderDict(descr: string, shape: readonly number[]): string {
  const shapeText =
    shape.length === 0 ? "()" : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const spare = shape.length > 0 ? GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length : 0;
  return dict + " ".repeat(Math.max(0, spare));
}

/** A parsed value of the Python literal subset found in npy headers. */
type PyValue = string | number | boolean | PyValue[] | Map<string, PyValue>;

function corrupt(message: string): FeaturewiseError {
  return new FeaturewiseError(ErrorCodes.CORRUPT_ARTIFACT, message);
}

/** Parses a Python literal made of dicts, tuples, lists, strings, ints and booleans. */
class PyLiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseAll(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) throw this.fail("unexpected trailing text");
    return value;
  }

  private fail(what: string): FeaturewiseError {
    return corrupt(
      `npy: cannot parse header (${what} at offset ${this.pos}): ${JSON.stringify(this.text)}`,
    );
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private value(): PyValue {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === "{") return this.dict();
    if (ch === "(") return this.sequence(")");
    if (ch === "[") return this.sequence("]");
    if (ch === "'" || ch === '"') return this.string();
    const rest = this.text.slice(this.pos);
    const word = /^(True|False)\b/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return word[0] === "True";
    }
    const num = /^[+-]?\d+L?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return Number.parseInt(num[0], 10);
    }
    throw this.fail("unexpected token");
  }

  private string(): string {
    const quote = this.text[this.pos]!;
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) throw this.fail("unterminated string");
    const s = this.text.slice(this.pos + 1, end);
    if (s.includes("\\")) throw this.fail("escapes in strings are not supported");
    this.pos = end + 1;
    return s;
  }

  /** Comma-separated items up to `close`, a trailing comma allowed. */
  private items(close: string, item: () => void): void {
    this.pos++; // opening bracket
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return;
      }
      item();
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ",") this.pos++;
      else if (sep !== close) throw this.fail(`expected ',' or '${close}'`);
    }
  }

  private sequence(close: string): PyValue[] {
    const out: PyValue[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  private dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.items("}", () => {
      const key = this.value();
      if (typeof key !== "string") throw this.fail("dict key is not a string");
      this.skipSpace();
      if (this.text[this.pos] !== ":") throw this.fail("expected ':'");
      this.pos++;
      out.set(key, this.value());
    });
    return out;
  }
}

/** The fields of an npy header. */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
}

/**
 * Parses the header dict text of an npy file (after the length field).
 * @throws FeaturewiseError CORRUPT_ARTIFACT when it is not a dict with exactly
 *   the keys descr (string), fortran_order (bool) and shape (tuple of ints >= 0)
 */
export function parseNpyHeaderDict(text: string): NpyHeader {
  const parsed = new PyLiteralParser(text).parseAll();
  if (!(parsed instanceof Map)) throw corrupt(`npy: header is not a dict: ${JSON.stringify(text)}`);
  const keys = [...parsed.keys()].sort();
  if (keys.join(",") !== "descr,fortran_order,shape") {
    throw corrupt(
      `npy: header keys are [${keys.join(", ")}], expected [descr, fortran_order, shape]`,
    );
  }
  const descr = parsed.get("descr");
  const fortranOrder = parsed.get("fortran_order");
  const shape = parsed.get("shape");
  if (typeof descr !== "string") {
    throw corrupt(`npy: descr ${JSON.stringify(descr)} is not supported (a structured dtype?)`);
  }
  if (typeof fortranOrder !== "boolean") throw corrupt("npy: fortran_order is not a bool");
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw corrupt(`npy: shape is not a tuple of non-negative ints: ${JSON.stringify(text)}`);
  }
  return { descr, fortranOrder, shape: shape as number[] };
}
