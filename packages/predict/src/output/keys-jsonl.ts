/**
 * The keys of a part as `part-000042.keys.jsonl`: one JSON string a line, so
 * any key (a newline or a quote in a file name included) round-trips. An
 * interim convention of the npy format: the transform command's keys file is
 * moving to the same shape; once it has landed, both should share one writer.
 */

/** One JSON string a line, each line ending in `\n`. */
export function encodeKeysJsonl(keys: readonly string[]): Uint8Array {
  return new TextEncoder().encode(keys.map((k) => `${JSON.stringify(k)}\n`).join(""));
}

/** The keys of {@link encodeKeysJsonl}'s bytes. */
export function decodeKeysJsonl(bytes: Uint8Array): string[] {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  return text === ""
    ? []
    : text
        .replace(/\n$/, "")
        .split("\n")
        .map((line) => JSON.parse(line) as string);
}
