/**
 * A fit as one BullMQ flow: shard jobs are the leaves, reduce jobs the
 * levels of {@link reduceTreeLevels}, finalize the root. A parent runs only
 * once all its children are done; a child that fails for good fails its
 * parent (`failParentOnFailure`), up to the root, so no parent waits forever.
 */
import type { FlowJobNode, FlowJob, JobsOptions } from "bullmq";
import { DEFAULT_FAN_IN, reduceTreeLevels } from "@featurewise/core";
import { RETENTION_SECONDS, type RetrySettings } from "./cluster-settings.js";
import { jobIds, reduceKeys, type NodeKeys } from "./fit-names.js";
import {
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
  readonly finalize: Omit<FinalizePayload, "input" | "wrap">;
  readonly retry: RetrySettings;
  /** @defaultValue DEFAULT_FAN_IN (32), as the embedded fit's TreeMerger */
  readonly fanIn?: number;
}

/** Options every job of a fit gets: retries with exponential backoff, bounded retention. */
export function jobOptions(jobId: string, retry: RetrySettings): JobsOptions {
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: "exponential", delay: retry.backoffMs },
    removeOnComplete: { age: RETENTION_SECONDS.completed },
    removeOnFail: { age: RETENTION_SECONDS.failed },
  };
}

/**
 * Where finalize finds the merged moments: the one node of the tree's top
 * level (or the only shard), and whether to merge it into fresh moments
 * first. The embedded TreeMerger merges a node into the next level as
 * soon as it holds fanIn members, so a full top node (or a lone shard)
 * ends up merged into one more, otherwise empty, node; finalize does the
 * same, so the bytes agree.
 */
export function treeTop(
  count: number,
  fanIn: number = DEFAULT_FAN_IN,
): { level: number; wrap: boolean } {
  const levels = reduceTreeLevels(count, fanIn);
  const top = levels[levels.length - 1];
  return { level: levels.length, wrap: top === undefined || top[0] === fanIn };
}

/** The flow of a fit (see the module comment). */
export function buildFitFlow(plan: FitFlowPlan): FlowJob {
  const fanIn = plan.fanIn ?? DEFAULT_FAN_IN;
  const child = (id: string): JobsOptions => ({
    ...jobOptions(id, plan.retry),
    failParentOnFailure: true,
  });
  let nodes: Array<{ job: FlowJob; keys: NodeKeys }> = plan.shards.map((data) => ({
    job: {
      name: "shard",
      queueName: "shard",
      data,
      opts: child(jobIds.shard(plan.fitId, data.spec.index)),
    },
    keys: data.output,
  }));
  const levels = reduceTreeLevels(plan.shards.length, fanIn);
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
  const [top] = nodes;
  if (top === undefined || nodes.length !== 1) throw new Error("a fit needs at least one shard");
  const data: FinalizePayload = {
    ...plan.finalize,
    input: top.keys,
    wrap: treeTop(plan.shards.length, fanIn).wrap,
  };
  return {
    name: "finalize",
    queueName: "finalize",
    data,
    opts: jobOptions(jobIds.finalize(plan.fitId), plan.retry),
    children: [top.job],
  };
}

/**
 * Validates every job of a flow against its queue's schema before it is
 * added, so a malformed job fails its fit here rather than on a worker.
 * @throws FeaturewiseError INVALID_ARGUMENT
 */
export function validateFlow(flow: FlowJob | FlowJobNode): void {
  const stack: Array<FlowJob | FlowJobNode> = [flow];
  for (let job = stack.pop(); job !== undefined; job = stack.pop()) {
    const kind = job.queueName as keyof Payloads;
    if (!(kind in SCHEMA_KINDS)) throw new Error(`unknown queue ${job.queueName}`);
    parsePayload(kind, job.data);
    stack.push(...(job.children ?? []));
  }
}

const SCHEMA_KINDS = { coordinator: 1, shard: 1, reduce: 1, finalize: 1 } as const;
