import type { Command } from "commander";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import {
  DEFAULT_QUEUE_PREFIX,
  parseRedisUrl,
  QUEUE_PREFIX_PATTERN,
  redactRedisUrl,
} from "@featurewise/queue/settings";

/** Where a command finds the cluster. */
export interface ClusterTarget {
  readonly redisUrl: string;
  readonly prefix: string;
}

/** The cluster flags as commander hands them over. */
export interface ClusterFlags {
  redis?: string;
  queuePrefix?: string;
}

/** Adds `--redis` and `--queue-prefix` to a cluster command. */
export function addClusterOptions(cmd: Command): Command {
  return cmd
    .option("--redis <url>", "the cluster's Redis, redis://host:6379 (default: $REDIS_URL)")
    .option(
      "--queue-prefix <prefix>",
      `Redis key prefix of the queues (default: $FEATUREWISE_QUEUE_PREFIX, else "${DEFAULT_QUEUE_PREFIX}")`,
    );
}

/**
 * The cluster named by the flags, else by `REDIS_URL` and
 * `FEATUREWISE_QUEUE_PREFIX`; validated once, here at the command's entry.
 * @throws FeaturewiseError INVALID_ARGUMENT when no Redis is named or a value is malformed
 */
export function clusterTarget(flags: ClusterFlags, env: NodeJS.ProcessEnv): ClusterTarget {
  const fromFlag = flags.redis !== undefined;
  const raw = fromFlag ? flags.redis : env["REDIS_URL"];
  if (raw === undefined || raw.trim() === "") {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      "no Redis given: pass --redis redis://host:6379 or set REDIS_URL",
    );
  }
  const redisUrl = parseRedisUrl(raw, fromFlag ? "--redis" : "REDIS_URL");
  const prefixFromFlag = flags.queuePrefix !== undefined;
  const prefix = (prefixFromFlag ? flags.queuePrefix : env["FEATUREWISE_QUEUE_PREFIX"]) ?? "";
  if (prefix === "") return { redisUrl, prefix: DEFAULT_QUEUE_PREFIX };
  if (!QUEUE_PREFIX_PATTERN.test(prefix)) {
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${prefixFromFlag ? "--queue-prefix" : "FEATUREWISE_QUEUE_PREFIX"} ${JSON.stringify(prefix)}: ` +
        "expected letters, digits, '.', '_' or '-' (no ':'), at most 64",
    );
  }
  return { redisUrl, prefix };
}

/**
 * The flags that reach `target` again from another shell: `--redis` (its
 * password shown as ***; "$REDIS_URL" when it came from there, so that a
 * secret is never printed) and `--queue-prefix`.
 */
export function clusterFlagsFor(target: ClusterTarget, redisFromEnv: boolean): string {
  const redis = redisFromEnv ? '"$REDIS_URL"' : redactRedisUrl(target.redisUrl);
  return `--redis ${redis} --queue-prefix ${target.prefix}`;
}
