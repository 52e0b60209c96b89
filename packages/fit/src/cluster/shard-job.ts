import { openSource, withOpenShard } from "@featurewise/dataset";
import { computeShardMoments } from "../shard-moments.js";
import type { JobContext } from "./job-context.js";
import type { ShardPayload } from "./payloads.js";
import { writeNode } from "./tree-nodes.js";

/** What a shard job returns (stored in Redis: counts only). */
export interface ShardJobResult {
  readonly index: number;
  /** Inputs read, used and skipped. */
  readonly images: number;
  readonly n: number;
  readonly skipped: number;
}

/**
 * Computes one shard's partial moments exactly as the embedded fit does
 * (same reader, decoder, batch size and order) and writes them, with the
 * shard's skipped inputs, to the shard's deterministic keys.
 */
export async function runShardJob(p: ShardPayload, ctx: JobContext): Promise<ShardJobResult> {
  const source = openSource(p.source, ctx.storage);
  const store = ctx.storage.open(p.out);
  const la = ctx.backend(p.backend).la;
  let images = 0;
  const result = await withOpenShard(source, p.spec, (shard) =>
    computeShardMoments(shard, {
      source,
      decode: p.decode,
      dataFormat: p.dataFormat,
      imageShape: p.imageShape,
      kind: p.kind,
      onError: p.onError,
      la,
      stream: { decoder: ctx.decoder, inFlight: ctx.decodeInFlight },
      ...(ctx.buffers === undefined ? {} : { buffers: ctx.buffers }),
      onImage: () => {
        images++;
      },
    }),
  );
  const { moments, skipped } = result;
  await writeNode(store, p.output, moments, { v: 1, images, n: moments.n, skipped });
  ctx.buffers?.give(moments.comoment); // written: the thread's next shard may reuse it
  return { index: p.spec.index, images, n: moments.n, skipped: skipped.length };
}
