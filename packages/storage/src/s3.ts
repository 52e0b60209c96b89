/** The S3 store and client, for direct use ("@featurewise/storage/s3"); they load the AWS SDK. */
export { S3Store } from "./s3-store.js";
export { createS3Client } from "./s3-client.js";
