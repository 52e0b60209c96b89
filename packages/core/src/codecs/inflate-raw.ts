/**
 * Raw DEFLATE decompression (RFC 1951, as in ZIP method 8) through the
 * web-standard `DecompressionStream`.
 */
import { ErrorCodes, FeaturewiseError } from "../errors.js";

/**
 * Inflates raw DEFLATE data whose decompressed size is known in advance.
 * @param data - the compressed bytes
 * @param expectedSize - the exact decompressed size (from the ZIP directory)
 * @param what - names the data in error messages
 * @throws FeaturewiseError CORRUPT_ARTIFACT when the data is not valid DEFLATE
 *   or inflates to a different size
 */
export async function inflateRaw(
  data: Uint8Array,
  expectedSize: number,
  what: string,
): Promise<Uint8Array> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const writing = (async () => {
    await writer.write(data);
    await writer.close();
  })();
  const reading = (async () => {
    const out = new Uint8Array(expectedSize);
    let filled = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > expectedSize) {
        await reader.cancel();
        throw new FeaturewiseError(
          ErrorCodes.CORRUPT_ARTIFACT,
          `${what}: inflates to more than the ${expectedSize} bytes recorded`,
        );
      }
      out.set(value, filled);
      filled += value.length;
    }
    if (filled !== expectedSize) {
      throw new FeaturewiseError(
        ErrorCodes.CORRUPT_ARTIFACT,
        `${what}: inflates to ${filled} bytes, ${expectedSize} recorded`,
      );
    }
    return out;
  })();
  try {
    const [, out] = await Promise.all([writing, reading]);
    return out;
  } catch (err) {
    if (err instanceof FeaturewiseError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new FeaturewiseError(
      ErrorCodes.CORRUPT_ARTIFACT,
      `${what}: corrupt deflate data (${reason})`,
      {
        cause: err,
      },
    );
  }
}
