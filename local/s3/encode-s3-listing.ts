import { element } from '../cloud/encode-xml-value.ts';
import { escapeXml } from '../cloud/escape-xml.ts';
import type { S3Store } from './s3-store.ts';

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OWNER = { ID: 'converge-local', DisplayName: 'converge-local' };

/** The `ListAllMyBucketsResult` document of ListBuckets. */
export function listBucketsXml(store: S3Store, owner?: string): string {
  const buckets = store
    .listBuckets(owner)
    .map(({ name, created }) => ({ Name: name, CreationDate: created }));
  return `<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}">${element('Owner', OWNER)}<Buckets>${buckets
    .map((bucket) => element('Bucket', bucket))
    .join('')}</Buckets></ListAllMyBucketsResult>`;
}

/**
 * The `ListBucketResult` document of ListObjectsV2. Continuation tokens are the last key
 * listed, base64url-encoded.
 */
export function listObjectsV2Xml(store: S3Store, bucket: string, query: URLSearchParams): string {
  const maxKeys = Math.min(Number(query.get('max-keys') ?? 1000) || 0, 1000);
  const token = query.get('continuation-token');
  const after = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : (query.get('start-after') ?? undefined);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? undefined;
  const listing = store.listObjects(bucket, {
    prefix,
    maxKeys,
    ...(after ? { after } : {}),
    ...(delimiter ? { delimiter } : {}),
  });
  const contents = listing.objects
    .map((object) =>
      element('Contents', {
        Key: object.key,
        LastModified: object.lastModified,
        ETag: object.etag,
        Size: object.body.length,
        StorageClass: 'STANDARD',
      }),
    )
    .join('');
  const prefixes = listing.commonPrefixes
    .map((common) => element('CommonPrefixes', { Prefix: common }))
    .join('');
  const next =
    listing.truncated && listing.lastKey !== undefined
      ? element('NextContinuationToken', Buffer.from(listing.lastKey).toString('base64url'))
      : '';
  return (
    `<ListBucketResult xmlns="${S3_NAMESPACE}">${element('Name', bucket)}<Prefix>${escapeXml(prefix)}</Prefix>` +
    `${delimiter ? element('Delimiter', delimiter) : ''}${element('MaxKeys', maxKeys)}` +
    `${element('KeyCount', listing.objects.length + listing.commonPrefixes.length)}` +
    `${element('IsTruncated', listing.truncated)}${token ? element('ContinuationToken', token) : ''}${next}` +
    `${contents}${prefixes}</ListBucketResult>`
  );
}
