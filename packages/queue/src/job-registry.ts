/**
 * The job kinds a worker process (and each of its sandbox threads) serves,
 * loaded from modules that export `jobKinds` (an array of job kinds). The
 * fit's kinds are one such module; a test or a later pipeline adds its own.
 */
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { AnyJobKind } from "./job-kind.js";

/** Job kinds by queue. */
export class JobRegistry {
  private readonly kinds = new Map<string, AnyJobKind>();

  /** Adds a kind; a queue has one kind. */
  register(kind: AnyJobKind): this {
    if (this.kinds.has(kind.queue)) throw new Error(`queue ${kind.queue} registered twice`);
    this.kinds.set(kind.queue, kind);
    return this;
  }

  /** The kind of `queue`, or undefined. */
  get(queue: string): AnyJobKind | undefined {
    return this.kinds.get(queue);
  }

  /** Every registered queue, in registration order. */
  queues(): string[] {
    return [...this.kinds.keys()];
  }
}

/**
 * Imports each module and registers its `jobKinds`.
 * @throws FeaturewiseError INVALID_ARGUMENT for a module without `jobKinds`
 */
export async function loadJobRegistry(modules: readonly string[]): Promise<JobRegistry> {
  const registry = new JobRegistry();
  for (const specifier of modules) {
    const mod = (await import(specifier)) as { jobKinds?: readonly AnyJobKind[] };
    if (!Array.isArray(mod.jobKinds)) {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `job module ${specifier}: expected an export "jobKinds" (an array of job kinds)`,
      );
    }
    for (const kind of mod.jobKinds) registry.register(kind);
  }
  return registry;
}
