// Runs s3rver 3.7.1 on 127.0.0.1 in its own process, for tests and benchmarks.
// Started as `node --openssl-legacy-provider s3rver-child.mjs <dir> <bucket>...`:
// s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20's
// OpenSSL 3 offers only through the legacy provider. Prints one JSON line
// {"port": N} once listening; exits when its stdin closes (the parent died or
// asked it to stop).
import S3rver from "s3rver";

const [directory, ...buckets] = process.argv.slice(2);
// FW_S3RVER_KEY_PAIR="<access key id>:<secret>" accepts another key pair
// beside s3rver's own S3RVER (the compose test's MinIO root credentials).
const keyPair = process.env.FW_S3RVER_KEY_PAIR;
if (keyPair) {
  const { default: Account } = await import("s3rver/lib/models/account.js");
  const at = keyPair.indexOf(":");
  Account.DUMMY_ACCOUNT.createKeyPair(keyPair.slice(0, at), keyPair.slice(at + 1));
}
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
// `silent` mutes the log's output, but s3rver's first middleware (koa-logger)
// still formats two colored log lines per request: about a quarter of its CPU
// per small GET. It only logs, so leave it out.
if (server.middleware[0]?.name === "logger") server.middleware.shift();
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void server.close().finally(() => process.exit(0));
});
