// The compose file's one-shot `bucket-init`: creates the bucket the cluster
// writes to (FEATUREWISE_BUCKET) on the object store named by the same S3
// variables featurewise reads (AWS_ENDPOINT_URL_S3, AWS_REGION, credentials
// from the SDK's chain, here AWS_SHARED_CREDENTIALS_FILE). An existing bucket
// is fine. Runs from /app/infra/compose in the image, from the repository in tests.
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";

const bucket = process.env.FEATUREWISE_BUCKET;
if (!bucket) {
  console.error("create-bucket: FEATUREWISE_BUCKET is not set (expected a bucket name)");
  process.exit(2);
}
const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
const s3 = new S3Client({
  ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  region: process.env.AWS_REGION ?? "us-east-1",
});
// The store may still be starting: try for up to a minute.
for (let attempt = 1; ; attempt++) {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    console.log(`create-bucket: ${bucket} exists`);
    break;
  } catch (err) {
    const status = err?.$metadata?.httpStatusCode;
    if (status === 404) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      console.log(`create-bucket: created ${bucket}`);
      break;
    }
    if (attempt >= 30) throw err;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
s3.destroy();
