/**
 * The CLI's side of `featurewise serve` (`fit|status|cancel --api <url>`):
 * plain fetch, no Redis, token from FEATUREWISE_API_TOKEN. Answers are
 * turned back into what the Redis path gives (a FitStatus, a FitResult,
 * a FeaturewiseError with the problem's code), so the output is the same.
 */
import {
  ErrorCodes,
  FeaturewiseError,
  parseStatsDocument,
  type ErrorCode,
  type FlagValue,
} from "@featurewise/core";
import type { FitResult } from "@featurewise/fit";
import type { CancelResult, FitStatus } from "@featurewise/fit/cluster/client";
import { parseLocation } from "@featurewise/storage";

/** A run as `/v1/<runs>/{id}` shows it (the fields the CLI reads); `State` is its kind's states. */
export interface RunAnswer<State extends string = FitStatus["state"]> {
  id: string;
  state: State;
  source: string;
  out: string;
  submittedAt: string;
  updatedAt: string;
  progress: {
    partsDone: number;
    partsTotal: number | null;
    imagesDone: number;
    imagesTotal: number | null;
    skipped: number;
    imagesPerSecond: number | null;
    etaSeconds: number | null;
  };
  failure: FitStatus["failure"];
  artifact: string | null;
}

/** A client of one server. */
export class ApiClient {
  private readonly base: string;

  /** @throws FeaturewiseError INVALID_ARGUMENT for a malformed --api URL */
  constructor(
    url: string,
    private readonly token: string | undefined,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      parsed = new URL("invalid:");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new FeaturewiseError(
        ErrorCodes.INVALID_ARGUMENT,
        `--api ${JSON.stringify(url)}: expected http(s)://host:port of featurewise serve`,
      );
    }
    this.base = parsed.href.replace(/\/$/, "");
  }

  /**
   * Submits a fit as its flags (`{std: true, size: "32x32", …}`: the API
   * reads them as `fit` does), local paths made absolute as `fit --redis`
   * does; returns its id.
   */
  async submitFit(source: string, flags: Readonly<Record<string, FlagValue>>): Promise<string> {
    const out = String(flags["out"]);
    const body = { source: absolute(source), ...flags, out: absolute(out) };
    const r = (await this.call("POST", "/v1/fits", body)) as { id: string };
    return r.id;
  }

  /** The fit's record as `status` shows it. @throws FeaturewiseError NOT_FOUND */
  async status(fitId: string): Promise<FitStatus> {
    return toStatus((await this.call("GET", `/v1/fits/${encodeURIComponent(fitId)}`)) as RunAnswer);
  }

  cancel(fitId: string): Promise<CancelResult> {
    return this.cancelRun("fits", fitId);
  }

  /** Cancels a run of `/v1/<runs>`. @throws FeaturewiseError NOT_FOUND */
  async cancelRun(runs: string, id: string): Promise<CancelResult> {
    const r = (await this.call(
      "POST",
      `/v1/${runs}/${encodeURIComponent(id)}/cancel`,
    )) as CancelResult;
    return { state: r.state, cancelled: r.cancelled, jobsRemoved: r.jobsRemoved };
  }

  /** A succeeded fit's stats.json (validated) and location. */
  async result(fitId: string): Promise<FitResult> {
    const r = (await this.call("GET", `/v1/fits/${encodeURIComponent(fitId)}/artifact`)) as {
      location: string;
      files: Record<string, string>;
      stats: unknown;
    };
    return {
      stats: parseStatsDocument(JSON.stringify(r.stats), r.files["stats"] ?? r.location),
      location: r.location,
    };
  }

  /**
   * Follows the fit's event stream until its final state, calling
   * `onStatus` on each event. Returns the final status.
   */
  follow(fitId: string, onStatus: (s: FitStatus) => void): Promise<FitStatus> {
    return this.followRun("fits", fitId, () => this.status(fitId), onStatus);
  }

  /**
   * Follows a run's event stream (`/v1/<runs>/<id>/events`) until its final
   * state, reading the run with `read` after each chunk of events and calling
   * `onStatus`; reconnects with Last-Event-ID when the connection drops.
   * Returns the final status.
   */
  async followRun<S extends { readonly state: string }>(
    runs: string,
    id: string,
    read: () => Promise<S>,
    onStatus: (s: S) => void,
  ): Promise<S> {
    let lastId: string | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.base}/v1/${runs}/${encodeURIComponent(id)}/events`, {
          headers: { ...this.auth(), ...(lastId === undefined ? {} : { "last-event-id": lastId }) },
        });
        if (!res.ok || res.body === null) await this.fail(res);
        let buffer = "";
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const eventId = /^id: (.*)$/m.exec(block)?.[1];
            if (eventId !== undefined) lastId = eventId;
          }
          const status = await read();
          onStatus(status);
          if (FINAL.includes(status.state)) return status;
        }
      } catch (err) {
        if (err instanceof FeaturewiseError || attempt >= 30) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const status = await read();
      if (FINAL.includes(status.state)) return status;
    }
  }

  private auth(): Record<string, string> {
    return this.token === undefined || this.token === ""
      ? {}
      : { authorization: `Bearer ${this.token}` };
  }

  /** `method path` with the token; the answer's JSON. @throws FeaturewiseError with the problem's code */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          ...this.auth(),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new FeaturewiseError(
        ErrorCodes.IO_ERROR,
        `cannot reach featurewise serve at ${this.base}: ${(err as Error).cause ?? (err as Error).message}`,
        { cause: err },
      );
    }
    if (!res.ok) await this.fail(res);
    return res.json();
  }

  /** Throws the problem document's error (its code, so the exit status is the same). */
  private async fail(res: Response): Promise<never> {
    const text = await res.text();
    let problem: { code?: string; detail?: string } = {};
    try {
      problem = JSON.parse(text) as typeof problem;
    } catch {
      // not a problem document: the status says it
    }
    const detail = problem.detail ?? `${res.status} ${res.statusText}`;
    const hint = res.status === 401 ? " (set FEATUREWISE_API_TOKEN)" : "";
    if (problem.code !== undefined && problem.code in ErrorCodes)
      throw new FeaturewiseError(problem.code as ErrorCode, detail + hint);
    throw new Error(`featurewise serve at ${this.base}: ${detail}`);
  }
}

/** The states a run ends in. */
const FINAL = ["succeeded", "failed", "cancelled"];

/** A local location as an absolute path (the server's workers run elsewhere); URIs as given. */
export function absolute(location: string): string {
  const loc = parseLocation(location);
  return loc.scheme === "file" ? loc.path : location;
}

function toStatus(r: RunAnswer): FitStatus {
  return {
    fitId: r.id,
    state: r.state,
    source: r.source,
    out: r.out,
    submittedAt: Date.parse(r.submittedAt),
    updatedAt: Date.parse(r.updatedAt),
    shardsTotal: r.progress.partsTotal,
    shardsDone: r.progress.partsDone,
    imagesTotal: r.progress.imagesTotal,
    images: r.progress.imagesDone,
    skipped: r.progress.skipped,
    failure: r.failure,
    artifact: r.artifact,
  };
}
