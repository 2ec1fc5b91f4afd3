import type { S3Client } from '@aws-sdk/client-s3';
import type { Artifacts } from '../../ports/artifacts.ts';
import { loadOnce } from './load-once.ts';

const s3 = loadOnce(() => import('@aws-sdk/client-s3'));

export interface S3ArtifactsOptions {
  readonly bucket: string;
  /** Key prefix, e.g. `templates/`. */
  readonly prefix?: string;
  readonly region: string;
  /** A real client by default; its endpoint comes from the SDK's configuration (AWS_ENDPOINT_URL_S3). */
  readonly client?: S3Client;
  /** The URL CloudFormation reads the object from; by default the bucket's regional virtual-hosted URL. */
  readonly objectUrl?: (bucket: string, key: string) => string;
}

/**
 * The {@link Artifacts} port on S3: templates over CloudFormation's 51,200-byte TemplateBody
 * limit are uploaded and passed as TemplateURL.
 *
 * @example
 * const artifacts = new S3Artifacts({ bucket: 'converge-artifacts', region: 'eu-west-1' });
 * const url = await artifacts.putTemplate('network/01KD.template', body);
 */
export class S3Artifacts implements Artifacts {
  readonly #client: () => Promise<S3Client>;
  readonly #options: S3ArtifactsOptions;

  constructor(options: S3ArtifactsOptions) {
    this.#options = options;
    // Made (and the SDK loaded) on the first upload; most plans upload nothing.
    this.#client = loadOnce(
      async () => options.client ?? new (await s3()).S3Client({ region: options.region }),
    );
  }

  async putTemplate(key: string, body: string): Promise<string> {
    const { bucket, prefix = '', region } = this.#options;
    const fullKey = `${prefix}${key}`;
    const { PutObjectCommand } = await s3();
    await (await this.#client()).send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: fullKey,
        Body: body,
        ContentType: 'application/x-yaml',
        ServerSideEncryption: 'AES256',
      }),
    );
    const encoded = fullKey.split('/').map(encodeURIComponent).join('/');
    return (
      this.#options.objectUrl?.(bucket, fullKey) ?? `https://${bucket}.s3.${region}.amazonaws.com/${encoded}`
    );
  }
}
