import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../cloud/create-cloud-event.ts';
import { AwsServiceError } from '../cloud/service.ts';

/** One stored object. */
export interface S3Object {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** The quoted MD5 of the body, as S3 returns it for single-part uploads. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ListObjectsInput {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  /** List keys after this one (StartAfter, or the continuation token). */
  readonly after?: string;
}

export interface ListObjectsOutput {
  readonly objects: readonly S3Object[];
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
  readonly lastKey: string | undefined;
}

/** The local S3's storage: buckets of objects, in memory. */
export interface S3Store {
  /** Creates a bucket owned by `owner` (an account id; the local account when omitted). */
  createBucket(bucket: string, owner?: string): void;
  hasBucket(bucket: string): boolean;
  /** Deletes a bucket; only its owner may (the local account when omitted). */
  deleteBucket(bucket: string, owner?: string): void;
  /** The buckets `owner` owns (the local account's when omitted), as ListBuckets answers. */
  listBuckets(owner?: string): ReadonlyArray<{ readonly name: string; readonly created: Date }>;
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    options?: { contentType?: string; metadata?: Record<string, string> },
  ): S3Object;
  getObject(bucket: string, key: string): S3Object;
  deleteObject(bucket: string, key: string): void;
  listObjects(bucket: string, input?: ListObjectsInput): ListObjectsOutput;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Creates an in-memory S3 store with S3's error codes: `NoSuchBucket`, `NoSuchKey` (404),
 * `BucketAlreadyOwnedByYou`, `BucketAlreadyExists`, `BucketNotEmpty` (409), `InvalidBucketName` (400).
 * Bucket names are one namespace across accounts, as in AWS; each bucket has an owning account,
 * which alone lists and deletes it. Objects are readable from any account (bucket policies are not
 * emulated; in AWS, Converge's bucket policy lets its target accounts read templates).
 *
 * @example
 * const store = createS3Store();
 * store.createBucket('templates');
 * store.putObject('templates', 'stack.yaml', Buffer.from('Resources: {}'));
 */
export function createS3Store(): S3Store {
  const buckets = new Map<string, { created: Date; owner: string; objects: Map<string, S3Object> }>();

  function bucketOf(bucket: string) {
    const found = buckets.get(bucket);
    if (!found) {
      throw new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist', { statusCode: 404 });
    }
    return found;
  }

  return {
    createBucket(bucket, owner = LOCAL_ACCOUNT_ID) {
      if (!BUCKET_NAME.test(bucket)) {
        throw new AwsServiceError(
          'InvalidBucketName',
          'The specified bucket is not valid: use 3 to 63 lowercase letters, digits, dots and hyphens.',
        );
      }
      const existing = buckets.get(bucket);
      if (existing && existing.owner !== owner) {
        throw new AwsServiceError(
          'BucketAlreadyExists',
          'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
          { statusCode: 409 },
        );
      }
      if (existing) {
        throw new AwsServiceError(
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          { statusCode: 409 },
        );
      }
      buckets.set(bucket, { created: new Date(), owner, objects: new Map() });
    },
    hasBucket: (bucket) => buckets.has(bucket),
    deleteBucket(bucket, owner = LOCAL_ACCOUNT_ID) {
      const found = bucketOf(bucket);
      if (found.owner !== owner) {
        throw new AwsServiceError('AccessDenied', 'Access Denied', { statusCode: 403 });
      }
      if (found.objects.size > 0) {
        throw new AwsServiceError('BucketNotEmpty', 'The bucket you tried to delete is not empty', {
          statusCode: 409,
        });
      }
      buckets.delete(bucket);
    },
    listBuckets: (owner = LOCAL_ACCOUNT_ID) =>
      [...buckets]
        .filter(([, entry]) => entry.owner === owner)
        .map(([name, { created }]) => ({ name, created })),
    putObject(bucket, key, body, options = {}) {
      const object: S3Object = {
        key,
        body,
        contentType: options.contentType ?? 'binary/octet-stream',
        etag: `"${createHash('md5').update(body).digest('hex')}"`,
        lastModified: new Date(),
        metadata: options.metadata ?? {},
      };
      bucketOf(bucket).objects.set(key, object);
      return object;
    },
    getObject(bucket, key) {
      const object = bucketOf(bucket).objects.get(key);
      if (!object) {
        throw new AwsServiceError('NoSuchKey', 'The specified key does not exist.', { statusCode: 404 });
      }
      return object;
    },
    deleteObject(bucket, key) {
      bucketOf(bucket).objects.delete(key);
    },
    listObjects(bucket, input = {}) {
      const prefix = input.prefix ?? '';
      const maxKeys = input.maxKeys ?? 1000;
      const keys = [...bucketOf(bucket).objects.keys()]
        .filter((key) => key.startsWith(prefix) && isAfter(key, input.after, input.delimiter))
        .sort();
      const objects: S3Object[] = [];
      const commonPrefixes: string[] = [];
      let lastKey: string | undefined;
      let truncated = false;
      for (const key of keys) {
        const rolled = rollUp(key, prefix, input.delimiter);
        if (rolled !== undefined && commonPrefixes.at(-1) === rolled) continue;
        if (objects.length + commonPrefixes.length >= maxKeys) {
          truncated = true;
          break;
        }
        if (rolled !== undefined) commonPrefixes.push(rolled);
        else objects.push(bucketOf(bucket).objects.get(key)!);
        lastKey = rolled ?? key;
      }
      return { objects, commonPrefixes, truncated, lastKey };
    },
  };
}

/** Whether a key comes after the last one listed; a listed common prefix covers its keys. */
function isAfter(key: string, after: string | undefined, delimiter: string | undefined): boolean {
  if (after === undefined) return true;
  if (delimiter && after.endsWith(delimiter) && key.startsWith(after)) return false;
  return key > after;
}

/** The common prefix a key rolls up into under a delimiter, if any. */
function rollUp(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}
