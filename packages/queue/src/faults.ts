/**
 * Faults a worker can be told to inject, for tests of the failure policy
 * only (`featurewise worker --faults <json>`, a hidden option). Both act
 * after a job has written its output, the worst moment for idempotency:
 * - `failFirstAttempt`: shard ids whose first attempt then throws a
 *   transient error, so the shard is retried and its output rewritten;
 * - `holdMs`: per queue, how long a job then sleeps while holding its lock,
 *   so a test can SIGKILL the worker mid-job. The coordinator sleeps after
 *   queuing its shards, before it adds the flow: the shards finish first,
 *   and the flow must take in finished jobs.
 */
import { z } from "zod";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** See the module comment. */
export interface FaultPlan {
  readonly failFirstAttempt?: readonly string[];
  /** Per queue (any registered kind's). */
  readonly holdMs?: Readonly<Record<string, number>>;
}

const faultPlanSchema: z.ZodType<FaultPlan> = z.strictObject({
  failFirstAttempt: z.array(z.string()).exactOptional(),
  holdMs: z.record(z.string(), z.number().int().nonnegative()).exactOptional(),
});

/**
 * Parses `--faults` JSON.
 * @throws FeaturewiseError INVALID_ARGUMENT
 */
export function parseFaultPlan(json: string): FaultPlan {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const result = faultPlanSchema.safeParse(value);
  if (!result.success) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `--faults ${JSON.stringify(json)}: expected {"failFirstAttempt":[shard ids],"holdMs":{"shard":ms,...}}`,
    );
  }
  return result.data;
}

/** Applies the plan to a job that has just written its output. */
export async function injectFaults(
  plan: FaultPlan | null,
  queue: string,
  shardId: string | null,
  attemptsMade: number,
): Promise<void> {
  const hold = plan?.holdMs?.[queue] ?? 0;
  if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
  if (shardId !== null && attemptsMade === 0 && plan?.failFirstAttempt?.includes(shardId)) {
    throw new Error(`injected fault: first attempt of ${shardId} fails after writing its output`);
  }
}
