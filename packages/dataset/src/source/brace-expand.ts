import { ErrorCodes, FeaturewiseError } from "@featurewise/core";

/** Most names one pattern may expand to. */
export const MAX_BRACE_EXPANSION = 1_000_000;

/**
 * Expands shell-style braces as WebDataset does: numeric ranges keep the
 * zero padding of their bounds (`{000..127}`), lists are comma-separated
 * (`{train,val}`), several groups multiply out, left to right. Returns the
 * names in expansion order. Throws INVALID_ARGUMENT on unbalanced braces,
 * a bad range, or more than {@link MAX_BRACE_EXPANSION} names.
 */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf("{");
  if (open < 0) {
    if (pattern.includes("}")) throw bad(pattern, 'a "}" without "{"');
    return [pattern];
  }
  const close = pattern.indexOf("}", open);
  if (close < 0) throw bad(pattern, 'a "{" without "}"');
  const body = pattern.slice(open + 1, close);
  if (body.includes("{")) throw bad(pattern, "nested braces");
  const head = pattern.slice(0, open);
  const alternatives = alternativesOf(body, pattern);
  const tails = expandBraces(pattern.slice(close + 1));
  if (alternatives.length * tails.length > MAX_BRACE_EXPANSION) {
    throw bad(pattern, `more than ${MAX_BRACE_EXPANSION} names`);
  }
  const out: string[] = [];
  for (const a of alternatives) for (const t of tails) out.push(head + a + t);
  return out;
}

function alternativesOf(body: string, pattern: string): string[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(body);
  if (range !== null) {
    const [, lo, hi] = range as unknown as [string, string, string];
    const a = Number(lo);
    const b = Number(hi);
    if (b < a) throw bad(pattern, `the range {${body}} runs backwards`);
    if (b - a + 1 > MAX_BRACE_EXPANSION)
      throw bad(pattern, `more than ${MAX_BRACE_EXPANSION} names`);
    const width = lo.length === hi.length ? lo.length : 0;
    const out: string[] = [];
    for (let v = a; v <= b; v++) out.push(String(v).padStart(width, "0"));
    return out;
  }
  if (body.includes(",")) return body.split(",");
  throw bad(pattern, `{${body}} is neither a range like {000..127} nor a list like {a,b}`);
}

function bad(pattern: string, why: string): FeaturewiseError {
  return new FeaturewiseError(
    ErrorCodes.INVALID_ARGUMENT,
    `shard pattern ${JSON.stringify(pattern)}: ${why}`,
  );
}
