/**
 * A kind of run the API serves (a fit; a prediction run plugs in the same
 * way): how its request is validated, which of its fields are locations,
 * how it is submitted, read, cancelled and its result fetched. The routes
 * (run-routes.ts), the console and the OpenAPI document are built from it,
 * so a second kind is one more object, not more routes.
 */
import { FINAL_STATES, type RunEvent } from "@featurewise/queue/client";

/** A run's progress as the API shows it. */
export interface RunProgress {
  readonly partsDone: number;
  readonly partsTotal: number | null;
  readonly imagesDone: number;
  readonly imagesTotal: number | null;
  readonly skipped: number;
  /** Images per second since submission (null before any). */
  readonly imagesPerSecond: number | null;
  /** Seconds left at that rate (null when unknown). */
  readonly etaSeconds: number | null;
}

/** A run as the API shows it (without its links). */
export interface RunView {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly final: boolean;
  readonly source: string;
  readonly out: string;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly progress: RunProgress;
  /** Images used (done less skipped) once succeeded. */
  readonly n: number | null;
  readonly failure: { code: string | null; message: string; job: string } | null;
  readonly artifact: string | null;
  /** A prediction's model, as submitted (predictions only). */
  readonly model?: string;
  /** A prediction's parts kept from an earlier try (predictions only). */
  readonly partsReused?: number;
}

/** What cancelling did. */
export interface CancelView {
  readonly id: string;
  readonly state: string;
  readonly cancelled: boolean;
  readonly jobsRemoved: boolean;
}

/** One kind of run behind `/v1/<path>`. */
export interface RunKind<Options> {
  /** The id prefix and the records' kind (`fit`). */
  readonly kind: string;
  /** The routes' path segment (`fits`). */
  readonly path: string;
  /** The kind's name in the OpenAPI document's schema names (`Fit`). */
  readonly title: string;
  /** JSON Schema (2020-12) of a request body, generated from the same zod schema `parse` uses. */
  readonly requestSchema: Record<string, unknown>;
  /** JSON Schema of what `result` returns. */
  readonly resultSchema: Record<string, unknown>;
  /** Validates a body, filling in defaults. @throws FeaturewiseError INVALID_ARGUMENT */
  parse(body: unknown): Options;
  /** The request's locations by field name, and how to put checked ones back. */
  locations(options: Options): Record<string, string>;
  withLocations(options: Options, checked: Record<string, string>): Options;
  submit(options: Options): Promise<string>;
  /** The run, or null when unknown (never submitted, or expired). */
  read(id: string): Promise<RunView | null>;
  /** @throws FeaturewiseError NOT_FOUND */
  cancel(id: string): Promise<CancelView>;
  /** Changes of state after `afterId`, oldest first. */
  events(id: string, afterId?: string): Promise<RunEvent[]>;
  /** A page of ids, newest first. */
  list(count: number, afterId?: string): Promise<{ ids: string[]; next: string | null }>;
  /** The result of a succeeded run (for a fit: stats.json and the files' locations). */
  result(view: RunView): Promise<Record<string, unknown>>;
}

/** What every kind's run record holds, under the API's names (times in epoch ms). */
export interface RunRecord {
  readonly id: string;
  readonly state: string;
  readonly source: string;
  readonly out: string;
  readonly submittedAt: number;
  readonly updatedAt: number;
  readonly partsDone: number;
  readonly partsTotal: number | null;
  readonly images: number;
  readonly imagesTotal: number | null;
  readonly skipped: number;
  readonly failure: RunView["failure"];
  readonly artifact: string | null;
}

/** A run as the API shows it, from its record; images/s and ETA since submission. */
export function runView(kind: string, r: RunRecord): RunView {
  const final = (FINAL_STATES as readonly string[]).includes(r.state);
  const end = final ? r.updatedAt : Date.now();
  const seconds = (end - r.submittedAt) / 1000;
  const rate = r.images > 0 && seconds > 0 ? r.images / seconds : null;
  const eta =
    rate !== null && r.imagesTotal !== null && !final
      ? Math.max(0, (r.imagesTotal - r.images) / rate)
      : null;
  return {
    id: r.id,
    kind,
    state: r.state,
    final,
    source: r.source,
    out: r.out,
    submittedAt: new Date(r.submittedAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    progress: {
      partsDone: r.partsDone,
      partsTotal: r.partsTotal,
      imagesDone: r.images,
      imagesTotal: r.imagesTotal,
      skipped: r.skipped,
      imagesPerSecond: rate === null ? null : Math.round(rate * 10) / 10,
      etaSeconds: eta === null ? null : Math.round(eta),
    },
    n: r.state === "succeeded" ? r.images - r.skipped : null,
    failure: r.failure,
    artifact: r.artifact,
  };
}
