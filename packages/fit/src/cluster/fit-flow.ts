/**
 * A fit as one BullMQ flow: shard jobs are the leaves, reduce jobs the
 * levels of {@link reduceTreeLevels} but the top one, finalize the root,
 * which merges the top node itself (up to 32 shards: no reduce job at all).
 * A parent runs only once all its children are done; a child that fails for
 * good fails its parent (`failParentOnFailure`), up to the root, so no
 * parent waits forever.
 */
import type { FlowJobNode, FlowJob, JobsOptions } from "bullmq";
import { DEFAULT_FAN_IN, reduceTreeLevels } from "@featurewise/core";
import { childJobOptions, jobOptions, type RetrySettings } from "@featurewise/queue/client";
import { jobIds, reduceKeys, type NodeKeys } from "./fit-names.js";
import {
  isPayloadKind,
  parsePayload,
  type FinalizePayload,
  type Payloads,
  type ReducePayload,
  type ShardPayload,
} from "./payloads.js";

/** Everything the flow of one fit is built from. */
export interface FitFlowPlan {
  readonly fitId: string;
  readonly out: string;
  /** One per shard, in shard order. */
  readonly shards: readonly ShardPayload[];
  /** The finalize job's data, less what the tree decides. */
  readonly finalize: Omit<FinalizePayload, "inputs" | "wrap">;
  readonly retry: RetrySettings;
  /** @defaultValue DEFAULT_FAN_IN (32), as the embedded fit's TreeMerger */
  readonly fanIn?: number;
}

/** The options of a fit's jobs are any run's (`@featurewise/queue`). */
export { childJobOptions, jobOptions };

/**
 * Whether finalize merges the top node into fresh moments once more: the
 * embedded TreeMerger merges a node into the next level as soon as it holds
 * fanIn members, so a full top node ends up merged into one more, otherwise
 * empty, node; finalize does the same, so the bytes agree.
 */
export function finalizeWraps(count: number, fanIn: number = DEFAULT_FAN_IN): boolean {
  const top = reduceTreeLevels(count, fanIn).at(-1);
  return top !== undefined && top[0] === fanIn;
}

/** The flow of a fit (see the module comment). */
export function buildFitFlow(plan: FitFlowPlan): FlowJob {
  const fanIn = plan.fanIn ?? DEFAULT_FAN_IN;
  const child = (id: string): JobsOptions => childJobOptions(id, plan.retry);
  let nodes: Array<{ job: FlowJob; keys: NodeKeys }> = plan.shards.map((data) => ({
    job: {
      name: "shard",
      queueName: "shard",
      data,
      opts: child(jobIds.shard(plan.fitId, data.spec.index)),
    },
    keys: data.output,
  }));
  // The top level's one node is merged by finalize.
  const levels = reduceTreeLevels(plan.shards.length, fanIn).slice(0, -1);
  levels.forEach((groups, l) => {
    const level = l + 1;
    let start = 0;
    nodes = groups.map((size, index) => {
      const members = nodes.slice(start, start + size);
      start += size;
      const output = reduceKeys(plan.fitId, level, index);
      const data: ReducePayload = {
        v: 1,
        fitId: plan.fitId,
        out: plan.out,
        level,
        index,
        inputs: members.map((m) => m.keys),
        output,
      };
      return {
        job: {
          name: "reduce",
          queueName: "reduce",
          data,
          opts: child(jobIds.reduce(plan.fitId, level, index)),
          children: members.map((m) => m.job),
        },
        keys: output,
      };
    });
  });
  if (nodes.length === 0) throw new Error("a fit needs at least one shard");
  const data: FinalizePayload = {
    ...plan.finalize,
    inputs: nodes.map((m) => m.keys),
    wrap: finalizeWraps(plan.shards.length, fanIn),
  };
  return {
    name: "finalize",
    queueName: "finalize",
    data,
    opts: jobOptions(jobIds.finalize(plan.fitId), plan.retry),
    children: nodes.map((m) => m.job),
  };
}

/**
 * Validates the jobs of a flow above its leaves (reduce and finalize)
 * against their queues' schemas before it is added, so a malformed job fails
 * its fit here rather than on a worker. The leaves, shard jobs, are not
 * parsed again: the coordinator validates each one as it queues it, before
 * the flow exists.
 * @throws FeaturewiseError INVALID_ARGUMENT
 */
export function validateFlow(flow: FlowJob | FlowJobNode): void {
  const stack: Array<FlowJob | FlowJobNode> = [flow];
  for (let job = stack.pop(); job !== undefined; job = stack.pop()) {
    const kind = job.queueName as keyof Payloads;
    if (!isPayloadKind(kind)) throw new Error(`unknown queue ${job.queueName}`);
    if (kind === "shard") continue;
    parsePayload(kind, job.data);
    stack.push(...(job.children ?? []));
  }
}
