import { describe, expect, it } from "vitest";
import { createApiKey, findKey, hashToken, parseKeysFile, parseScopes } from "./api-keys.js";

describe("API keys", () => {
  it("a created key's line admits its token, with its scopes, and nothing else", () => {
    const { token, line } = createApiKey("ci", parseScopes("submit,read", "--scopes"));
    expect(line).toBe(`ci read,submit ${hashToken(token).toString("hex")}`);
    const keys = parseKeysFile(`# keys\n\n${line}\n`, "keys");
    expect(findKey(keys, token)?.name).toBe("ci");
    expect([...findKey(keys, token)!.scopes]).toEqual(["read", "submit"]);
    expect(findKey(keys, token + "x")).toBeNull();
    expect(findKey(keys, "")).toBeNull();
  });

  it("tokens are random and long", () => {
    const a = createApiKey("a", new Set(["read"])).token;
    const b = createApiKey("a", new Set(["read"])).token;
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThan(40);
  });

  it("names the file and line of a malformed key", () => {
    const hex = "ab".repeat(32);
    expect(() => parseKeysFile(`ok read ${hex}\nbad read`, "k")).toThrow(
      /k line 2: expected "<name> <scopes>/,
    );
    expect(() => parseKeysFile(`x read,root ${hex}`, "k")).toThrow(
      /k line 1: scope "root" is not one of read, submit, admin/,
    );
    expect(() => parseKeysFile(`x read abc`, "k")).toThrow(/64 hex digits/);
    expect(() => parseKeysFile(`x read ${hex}\nx admin ${hex}`, "k")).toThrow(
      /key x appears twice/,
    );
    expect(() => createApiKey("a b", new Set(["read"]))).toThrow(/--name "a b"/);
  });
});
