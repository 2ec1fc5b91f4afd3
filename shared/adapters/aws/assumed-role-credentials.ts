import type { STSClient, STSServiceException } from '@aws-sdk/client-sts';
import type { TargetAccount } from '../../domain/policy/control-plane-policy.ts';
import { TargetAccountRefusedError } from '../../ports/stacks.ts';
import { loadOnce } from './load-once.ts';

const sts = loadOnce(() => import('@aws-sdk/client-sts'));

/** Temporary AWS credentials, as SDK clients take them (`credentials`). */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface AssumedRoleCredentialsOptions {
  /** The accounts Converge may act in and the role it assumes in each (the policy's `accounts`). */
  readonly targets: readonly TargetAccount[];
  /** STS client in Converge's own account; by default a real one (endpoint from the SDK's configuration). */
  readonly client?: STSClient;
  /** `RoleSessionName`, shown in the target account's CloudTrail; `converge` by default. */
  readonly sessionName?: string;
  /** Session length asked of STS (900 to the role's maximum); 3600 by default, as STS's own default. */
  readonly durationSeconds?: number;
  /** Credentials are renewed this long before they expire; 5 minutes by default. */
  readonly marginMs?: number;
  readonly now?: () => number;
}

const defaults = { sessionName: 'converge', durationSeconds: 3600, marginMs: 5 * 60_000 } as const;

/**
 * Temporary credentials for each target account, from `sts:AssumeRole` on the account's role with
 * its external id. Cached per account until shortly before they expire, so a warm function assumes
 * each role once per session; concurrent callers share one request.
 *
 * @example
 * const accounts = new AssumedRoleCredentials({ targets: policy.accounts });
 * const credentials = await accounts.credentialsFor('111111111111');
 */
export class AssumedRoleCredentials {
  readonly #targets: ReadonlyMap<string, TargetAccount>;
  readonly #client: () => Promise<STSClient>;
  readonly #options: Required<Omit<AssumedRoleCredentialsOptions, 'targets' | 'client'>>;
  readonly #cache = new Map<string, Promise<AwsCredentialIdentity>>();

  constructor(options: AssumedRoleCredentialsOptions) {
    this.#targets = new Map(options.targets.map((target) => [target.id, target]));
    this.#client = loadOnce(async () => options.client ?? new (await sts()).STSClient({}));
    this.#options = {
      sessionName: options.sessionName ?? defaults.sessionName,
      durationSeconds: options.durationSeconds ?? defaults.durationSeconds,
      marginMs: options.marginMs ?? defaults.marginMs,
      now: options.now ?? Date.now,
    };
  }

  /**
   * Credentials of the role Converge assumes in `account`.
   *
   * @throws TargetAccountRefusedError when the policy lists no role for the account or STS refused
   * the role (access denied, wrong external id); other errors (throttling, network) are retryable.
   */
  async credentialsFor(account: string): Promise<AwsCredentialIdentity> {
    const cached = this.#cache.get(account);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && this.#fresh(credentials)) return credentials;
      if (this.#cache.get(account) === cached) this.#cache.delete(account);
      return this.credentialsFor(account);
    }
    const pending = this.#assume(account);
    this.#cache.set(account, pending);
    pending.catch(() => {
      if (this.#cache.get(account) === pending) this.#cache.delete(account);
    });
    return pending;
  }

  #fresh(credentials: AwsCredentialIdentity): boolean {
    const expires = credentials.expiration?.getTime();
    return expires === undefined || expires - this.#options.marginMs > this.#options.now();
  }

  async #assume(account: string): Promise<AwsCredentialIdentity> {
    const target = this.#targets.get(account);
    if (!target)
      throw new TargetAccountRefusedError(account, 'the control-plane policy lists no role for it');
    const { AssumeRoleCommand, STSServiceException } = await sts();
    const answer = await (await this.#client())
      .send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: this.#options.sessionName,
          ExternalId: target.externalId,
          DurationSeconds: this.#options.durationSeconds,
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof STSServiceException && isRefusal(error)) {
          throw new TargetAccountRefusedError(
            account,
            `sts:AssumeRole on ${target.roleArn} was refused (${error.message})`,
          );
        }
        throw error;
      });
    const credentials = answer.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`sts:AssumeRole on ${target.roleArn} answered without credentials; try again.`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  }
}

/** STS refusals no retry fixes: access denied (trust policy, external id), a malformed role. */
function isRefusal(error: STSServiceException): boolean {
  return (
    error.name === 'AccessDenied' ||
    error.name === 'AccessDeniedException' ||
    error.name === 'MalformedPolicyDocument' ||
    error.name === 'RegionDisabledException' ||
    error.$metadata.httpStatusCode === 403
  );
}
