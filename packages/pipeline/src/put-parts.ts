import { concatBytes } from "@featurewise/core";
import type { ObjectStore } from "@featurewise/storage";

/** Files at least this large are streamed from their pieces rather than joined. */
const STREAM_FROM_BYTES = 8 * 2 ** 20;

/**
 * Writes a file given as pieces (as the codecs' `…Parts` encoders return
 * them). Large files are streamed piece by piece: joining them would copy
 * tens of MB (W is 75 MB, a partial 38 MB at D=3072) into fresh memory.
 */
export async function putParts(
  store: ObjectStore,
  key: string,
  parts: readonly Uint8Array[],
): Promise<void> {
  const size = parts.reduce((sum, p) => sum + p.length, 0);
  await store.put(key, size < STREAM_FROM_BYTES ? concatBytes(parts) : pieces(parts));
}

async function* pieces(parts: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* parts;
}
