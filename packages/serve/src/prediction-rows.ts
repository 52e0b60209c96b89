/**
 * `GET /v1/predictions/{id}/rows`: a page of a succeeded prediction's rows,
 * the parts in part order (so in key order) and each part's rows as written.
 * The parts are read through the report's reader (`@featurewise/report/rows`,
 * the one `featurewise report` reads a prediction folder with): each file is
 * checked against its manifest's sha256, and each row is its key and best
 * classes, whatever the format (parquet, jsonl, npy). The full outputs stay
 * in the parts, whose locations the artifact route gives.
 */
import type { FastifyRequest } from "fastify";
import { ErrorCodes, FeaturewiseError } from "@featurewise/core";
import type { PredictManifest } from "@featurewise/predict";
import { readPredictResult } from "@featurewise/predict/cluster/client";
import type { Storage } from "@featurewise/storage";
import { authErrors, type RouteTable } from "./route-table.js";
import type { RunKind } from "./run-kind.js";

/** Rows a page holds unless `limit` says otherwise, and at most. */
export const ROWS_PAGE = Object.freeze({ defaultLimit: 100, maxLimit: 1000 });

/** Where a page starts: a part's number and a row within it. */
export interface RowsCursor {
  readonly part: number;
  readonly offset: number;
}

/** One row of a page. */
export interface PageRow {
  readonly part: number;
  readonly key: string;
  /** The best classes, best first. */
  readonly index: readonly number[];
  /** Their scores (null for a NaN score, which JSON cannot hold). */
  readonly score: readonly (number | null)[];
  readonly label: readonly (string | null)[] | null;
}

const intArray = { type: "array", items: { type: "integer" } };

/** The JSON Schema of a page. */
export const predictionRowsSchema = {
  type: "object",
  required: ["id", "format", "rowsTotal", "rows", "next"],
  additionalProperties: false,
  properties: {
    id: { type: "string" },
    format: { enum: ["parquet", "jsonl", "npy"] },
    rowsTotal: { type: "integer", minimum: 0, description: "rows over all parts (manifest n)" },
    rows: {
      type: "array",
      items: {
        type: "object",
        required: ["part", "key", "index", "score", "label"],
        additionalProperties: false,
        properties: {
          part: { type: "integer", minimum: 0 },
          key: { type: "string" },
          index: intArray,
          score: { type: "array", items: { type: ["number", "null"] } },
          label: { type: ["array", "null"], items: { type: ["string", "null"] } },
        },
      },
    },
    next: {
      description: "the `part` and `offset` of the following page; null after the last row",
      oneOf: [
        {
          type: "object",
          required: ["part", "offset"],
          additionalProperties: false,
          properties: {
            part: { type: "integer", minimum: 0 },
            offset: { type: "integer", minimum: 0 },
          },
        },
        { type: "null" },
      ],
    },
  },
};

/** A query parameter as an integer in [min, max], or `fallback` when absent. @throws FeaturewiseError INVALID_ARGUMENT */
function integerParam(
  q: Record<string, string | undefined>,
  name: string,
  fallback: number,
  max: number,
  min = 0,
): number {
  const text = q[name];
  if (text === undefined) return fallback;
  const value = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name} ${JSON.stringify(text)}: expected an integer from ${min} to ${max}`,
    );
  return value;
}

/** The page's start, checked against the manifest's parts. @throws FeaturewiseError INVALID_ARGUMENT */
function startOf(q: Record<string, string | undefined>, manifest: PredictManifest): RowsCursor {
  const first = manifest.parts[0]?.part ?? 0;
  const part = integerParam(q, "part", first, Number.MAX_SAFE_INTEGER);
  const found = manifest.parts.find((p) => p.part === part);
  if (found === undefined && manifest.parts.length > 0)
    throw new FeaturewiseError(
      ErrorCodes.INVALID_ARGUMENT,
      `part ${part}: expected one of the run's parts (${manifest.parts.length} parts, ` +
        `numbered ${first} to ${manifest.parts.at(-1)!.part})`,
    );
  const offset = integerParam(q, "offset", 0, found?.rows ?? 0);
  return { part, offset };
}

/**
 * The rows from `start`, at most `limit`, and where the next page starts.
 * Reads only the parts the page spans.
 */
export async function readRowsPage(
  storage: Storage,
  manifest: PredictManifest,
  out: string,
  start: RowsCursor,
  limit: number,
): Promise<{ rows: PageRow[]; next: RowsCursor | null }> {
  const { predictionRows } = await import("@featurewise/report/rows");
  const from = manifest.parts.findIndex((p) => p.part === start.part);
  if (from < 0) return { rows: [], next: null };
  const parts = manifest.parts.slice(from);
  const rows: PageRow[] = [];
  let i = 0;
  let skip = start.offset;
  for await (const partRows of predictionRows(storage.open(out), { ...manifest, parts })) {
    const part = parts[i]!.part;
    const taken = partRows.slice(skip, skip + limit - rows.length);
    for (const r of taken)
      rows.push({
        part,
        key: r.key,
        index: r.index,
        score: r.score.map((s) => (Number.isFinite(s) ? s : null)),
        label: r.label,
      });
    const end = skip + taken.length;
    skip = 0;
    i++;
    if (rows.length === limit) {
      if (end < partRows.length) return { rows, next: { part, offset: end } };
      const following = parts[i];
      return { rows, next: following === undefined ? null : { part: following.part, offset: 0 } };
    }
  }
  return { rows, next: null };
}

/** Registers the rows route of the prediction's run kind. */
export function addPredictionRowsRoute(
  table: RouteTable,
  kind: RunKind<unknown>,
  storage: Storage,
): void {
  table.add({
    method: "GET",
    url: `/v1/${kind.path}/:id/rows`,
    scope: "read",
    tag: kind.path,
    summary:
      "a page of a succeeded prediction's rows (key and best classes), parts in part order; `next` starts the following page",
    query: {
      part: {
        schema: { type: "integer", minimum: 0 },
        description: "start at this part (default the first)",
      },
      offset: {
        schema: { type: "integer", minimum: 0 },
        description: "start at this row of the part (default 0)",
      },
      limit: {
        schema: { type: "integer", minimum: 1, maximum: ROWS_PAGE.maxLimit },
        description: `rows in the page (default ${ROWS_PAGE.defaultLimit})`,
      },
    },
    responses: {
      200: { description: "a page of rows", schema: predictionRowsSchema },
      400: {
        description:
          "a malformed part, offset or limit, or a part the run does not have (INVALID_ARGUMENT)",
        schema: "Problem",
      },
      404: { description: "unknown id (NOT_FOUND)", schema: "Problem" },
      409: { description: "the run has not succeeded (yet) (NOT_FINISHED)", schema: "Problem" },
      422: {
        description: "a part is missing, altered or unreadable (CORRUPT_ARTIFACT)",
        schema: "Problem",
      },
      ...authErrors("read"),
    },
    async handler(request: FastifyRequest) {
      const id = (request.params as { id: string }).id;
      const q = request.query as Record<string, string | undefined>;
      const limit = integerParam(q, "limit", ROWS_PAGE.defaultLimit, ROWS_PAGE.maxLimit, 1);
      const view = await kind.read(id);
      if (view === null)
        throw new FeaturewiseError(
          ErrorCodes.NOT_FOUND,
          `no ${kind.kind} ${id} (never submitted, or expired)`,
        );
      if (view.state !== "succeeded")
        throw new FeaturewiseError(
          ErrorCodes.NOT_FINISHED,
          `${kind.kind} ${id} has no rows: it is ${view.state} (rows come once it succeeded)`,
        );
      const { manifest, location } = await readPredictResult(storage, view.out);
      const start = startOf(q, manifest);
      const page = await readRowsPage(storage, manifest, location, start, limit);
      return { id, format: manifest.format, rowsTotal: manifest.n, ...page };
    },
  });
}
