import { ErrorCodes, FeaturewiseError } from "../errors.js";

/**
 * The keys of an output array's rows as JSON lines: one JSON string a line,
 * in row order, UTF-8. Any key round-trips, newlines and all (a file may be
 * named `new\nline.jpg`), which one-key-a-line text cannot do. In Python:
 * `keys = [json.loads(line) for line in open(path, encoding="utf-8")]`.
 */
export function encodeKeysJsonl(keys: readonly string[]): Uint8Array {
  let text = "";
  for (const key of keys) text += `${JSON.stringify(key)}\n`;
  return new TextEncoder().encode(text);
}

/**
 * Reads {@link encodeKeysJsonl}'s output back.
 * @param origin - the file's URI, for messages
 * @throws FeaturewiseError CORRUPT_ARTIFACT naming the line that is not a JSON string
 */
export function decodeKeysJsonl(bytes: Uint8Array, origin: string): string[] {
  const lines = new TextDecoder().decode(bytes).split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, i) => {
    let key: unknown;
    try {
      key = JSON.parse(line);
    } catch {
      key = undefined;
    }
    if (typeof key !== "string") {
      throw new FeaturewiseError(
        ErrorCodes.CORRUPT_ARTIFACT,
        `${origin}: line ${i + 1} is not a JSON string`,
      );
    }
    return key;
  });
}
