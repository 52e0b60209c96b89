import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";

/** One answer the server gave, as the contract test checks it. */
export interface RecordedAnswer {
  readonly method: string;
  /** The OpenAPI path template it matched (`/v1/fits/{id}`). */
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/**
 * Calls the API and records every answer, so that a test can validate all
 * of them against the server's own `/openapi.json` at the end.
 */
export class ApiRecorder {
  readonly answers: RecordedAnswer[] = [];

  constructor(
    readonly base: string,
    private readonly templates: readonly string[],
  ) {}

  /** fetch `path` on the server; records and returns the answer (body parsed when JSON). */
  async call(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are read loosely here; the contract test checks their shapes
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined || options.body !== undefined) {
      headers["content-type"] ??= "application/json";
      body = options.rawBody ?? JSON.stringify(options.body);
    }
    const res = await fetch(this.base + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const contentType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    const text = await res.text();
    const parsed = contentType.endsWith("json") ? (JSON.parse(text) as unknown) : text;
    this.answers.push({
      method,
      path: this.template(path),
      status: res.status,
      contentType,
      body: parsed,
    });
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Records an answer made elsewhere (an event stream read with its own client). */
  record(answer: RecordedAnswer): void {
    this.answers.push(answer);
  }

  /** The path template a concrete path matches. */
  template(path: string): string {
    const bare = path.split("?")[0]!;
    const found = this.templates.find((t) =>
      new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(bare),
    );
    return found ?? bare;
  }
}

/**
 * Validates every recorded answer against `doc` (status documented for the
 * route, content type as documented, body valid against the schema), and
 * that every documented route was called (unless `everyRoute` is false: a
 * test file that covers only some routes; test/serve-api.redis.test.ts
 * covers them all).
 */
export function expectAnswersMatch(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers are read loosely here; the contract test checks their shapes
  doc: any,
  answers: readonly RecordedAnswer[],
  { everyRoute = true }: { everyRoute?: boolean } = {},
): void {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, "openapi.json");
  const pointer = (...parts: string[]): string =>
    "openapi.json#/" + parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
  const problems: string[] = [];
  for (const a of answers) {
    const op = doc.paths[a.path]?.[a.method.toLowerCase()];
    const where = `${a.method} ${a.path} ${a.status}`;
    if (op === undefined) {
      problems.push(`${where}: route not in the document`);
      continue;
    }
    const response = op.responses[String(a.status)];
    if (response === undefined) {
      problems.push(`${where}: status not documented`);
      continue;
    }
    const content = response.content?.[a.contentType];
    if (content === undefined) {
      problems.push(`${where}: content type ${a.contentType} not documented`);
      continue;
    }
    if (content.schema === undefined || typeof a.body === "string") continue;
    const schemaRef = pointer(
      "paths",
      a.path,
      a.method.toLowerCase(),
      "responses",
      String(a.status),
      "content",
      a.contentType,
      "schema",
    );
    const validate = ajv.getSchema(schemaRef) ?? ajv.compile({ $ref: schemaRef });
    if (!validate(a.body))
      problems.push(
        `${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(a.body).slice(0, 300)}`,
      );
  }
  expect(problems).toEqual([]);
  if (!everyRoute) return;
  const called = new Set(answers.map((a) => `${a.method.toLowerCase()} ${a.path}`));
  const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m} ${p}`),
  );
  expect(documented.filter((r) => !called.has(r))).toEqual([]);
}
