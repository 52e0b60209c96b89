import type { JobContext } from "./job-context.js";
import type { ReducePayload } from "./payloads.js";
import { mergeNodes, writeNode } from "./tree-nodes.js";

/** What a reduce job returns. */
export interface ReduceJobResult {
  readonly level: number;
  readonly index: number;
  readonly n: number;
}

/**
 * Merges exactly the children's nodes, in order, into fresh moments (as the
 * embedded TreeMerger builds a node) and writes the result to the node's
 * deterministic keys; the children's skipped inputs are concatenated in
 * shard order.
 */
export async function runReduceJob(p: ReducePayload, ctx: JobContext): Promise<ReduceJobResult> {
  const store = ctx.storage.open(p.out);
  const { moments, sidecar } = await mergeNodes(store, p.inputs);
  await writeNode(store, p.output, moments, sidecar);
  return { level: p.level, index: p.index, n: moments.n };
}
