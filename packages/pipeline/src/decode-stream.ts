import type { DecodeSettings } from "@featurewise/core";
import {
  decodeImage,
  type DecodedImage,
  type DecodeInput,
  type DecodeOutcome,
  unreadableError,
  type OpenShard,
  type SourceItem,
} from "@featurewise/dataset";

/** What {@link decodeInOrder} reads inputs through: an open shard, or any source. */
export type ItemReader = Pick<OpenShard, "read" | "localPath">;

/** One item after reading and decoding: the image, or why it failed. */
export type DecodeResult =
  | { readonly item: SourceItem; readonly image: DecodedImage }
  | { readonly item: SourceItem; readonly error: Error };

/**
 * Turns a batch of inputs (file bytes, or local paths to read) into pixels,
 * one outcome per input: a `DecodePool`'s `decodeMany`, or
 * {@link decodeOnThisThread}.
 */
export type Decoder = (inputs: DecodeInput[], options: DecodeSettings) => Promise<DecodeOutcome[]>;

/** Decodes a batch on the calling thread (no worker pool). */
export const decodeOnThisThread: Decoder = (inputs, options) =>
  Promise.all(
    inputs.map(async (input): Promise<DecodeOutcome> => {
      if (typeof input === "string") throw new Error("decodeOnThisThread takes bytes, not paths");
      try {
        return { image: await decodeImage(input, options) };
      } catch (err) {
        const e = err as { message?: string; code?: string };
        return {
          error: { message: e.message ?? String(err), code: (e.code ?? "DECODE_FAILED") as never },
        };
      }
    }),
  );

/** How {@link decodeInOrder} batches its work. */
export interface DecodeStreamOptions {
  /** Inputs sent to the decoder at once. @defaultValue 64 */
  readonly batch?: number;
  /** Batches in flight. @defaultValue 4 */
  readonly inFlight?: number;
  /** @defaultValue decodeOnThisThread */
  readonly decoder?: Decoder;
}

/**
 * Reads and decodes items in batches, several in flight, yielding the
 * results in the items' order. Local files are handed to the decoder as
 * paths (a pool's workers read them); other sources' bytes are read here.
 */
export async function* decodeInOrder(
  items: readonly SourceItem[],
  source: ItemReader,
  decode: DecodeSettings,
  options: DecodeStreamOptions = {},
): AsyncIterable<DecodeResult> {
  const size = options.batch ?? 64;
  const decoder = options.decoder ?? decodeOnThisThread;
  const usePaths = options.decoder !== undefined && source.localPath !== undefined;
  const startBatch = async (batch: readonly SourceItem[]): Promise<DecodeResult[]> => {
    const inputs: Array<DecodeInput | Error> = await Promise.all(
      batch.map((item) => {
        const unreadable = unreadableError(item);
        if (unreadable !== null) return unreadable; // listed, never opened
        const path = usePaths ? source.localPath?.(item.key) : undefined;
        return path ?? source.read(item.key).catch((err: unknown) => asError(err));
      }),
    );
    const readable = inputs.filter((x): x is DecodeInput => !(x instanceof Error));
    const outcomes = readable.length > 0 ? await decoder(readable, decode) : [];
    let next = 0;
    return batch.map((item, i) => {
      const input = inputs[i]!;
      if (input instanceof Error) return { item, error: input };
      const outcome = outcomes[next++]!;
      return "image" in outcome
        ? { item, image: outcome.image }
        : {
            item,
            error: Object.assign(new Error(outcome.error.message), { code: outcome.error.code }),
          };
    });
  };
  const pending: Promise<DecodeResult[]>[] = [];
  let next = 0;
  const fill = (): void => {
    while (next < items.length && pending.length < (options.inFlight ?? 4)) {
      const p = startBatch(items.slice(next, next + size));
      p.catch(() => {}); // awaited below, in order
      pending.push(p);
      next += size;
    }
  };
  fill();
  while (pending.length > 0) {
    const results = await pending.shift()!;
    fill();
    yield* results;
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
