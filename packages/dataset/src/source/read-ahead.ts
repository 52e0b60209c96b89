import type { ShardEntry, SourceItem } from "./image-source.js";

/**
 * Reads items with up to `concurrency` reads in flight, yielding each
 * item's bytes (or error) in the items' order. Pulls items from the
 * iterable only as reads are started, so a long listing is never held.
 */
export async function* readAhead(
  items: AsyncIterable<SourceItem> | Iterable<SourceItem>,
  read: (item: SourceItem) => Promise<Uint8Array>,
  concurrency: number,
): AsyncIterable<ShardEntry> {
  const it =
    Symbol.asyncIterator in items
      ? items[Symbol.asyncIterator]()
      : (items as Iterable<SourceItem>)[Symbol.iterator]();
  const start = (item: SourceItem): Promise<ShardEntry> =>
    read(item).then(
      (bytes) => ({ item, bytes }),
      (err: unknown) => ({ item, error: err instanceof Error ? err : new Error(String(err)) }),
    );
  const pending: Promise<ShardEntry>[] = [];
  let done = false;
  try {
    const fill = async (): Promise<void> => {
      while (!done && pending.length < Math.max(1, concurrency)) {
        const next = await it.next();
        if (next.done === true) done = true;
        else pending.push(start(next.value));
      }
    };
    await fill();
    while (pending.length > 0) {
      const entry = await pending.shift()!;
      await fill();
      yield entry;
    }
  } finally {
    if (!done) await it.return?.();
  }
}
