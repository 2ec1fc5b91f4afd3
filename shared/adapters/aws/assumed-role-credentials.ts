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
  /** `RoleSessionName` of calls that name no session of their own; `converge` by default. */
  readonly sessionName?: string;
  /** Session length asked of STS (900 to the role's maximum); 3600 by default, as STS's own default. */
  readonly durationSeconds?: number;
  /** Credentials are renewed this long before they expire; 5 minutes by default. */
  readonly marginMs?: number;
  /** How many sessions are kept at most; the least recently used go first. 100 by default. */
  readonly maxSessions?: number;
  readonly now?: () => number;
}

const defaults = {
  sessionName: 'converge',
  durationSeconds: 3600,
  marginMs: 5 * 60_000,
  maxSessions: 100,
} as const;

/**
 * Temporary credentials for each target account, from `sts:AssumeRole` on the account's role with
 * its external id. One session per (account, session name): the session name is what the target
 * account's CloudTrail shows for every call made with it, so Converge names a deployment's session
 * after the deployment and never lends one deployment's session to another. Each session is cached
 * until shortly before it expires (a warm function assumes the role once per session, and
 * concurrent callers share one request); the least recently used are dropped past `maxSessions`.
 *
 * @example
 * const accounts = new AssumedRoleCredentials({ targets: policy.accounts });
 * const credentials = await accounts.credentialsFor('111111111111', '01JDEPLOYMENTID0000000000');
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
      sessionName: roleSessionName(options.sessionName ?? defaults.sessionName),
      durationSeconds: options.durationSeconds ?? defaults.durationSeconds,
      marginMs: options.marginMs ?? defaults.marginMs,
      maxSessions: options.maxSessions ?? defaults.maxSessions,
      now: options.now ?? Date.now,
    };
  }

  /**
   * Credentials of the role Converge assumes in `account`, in the session named `sessionName`
   * (made fit for STS with {@link roleSessionName}; the default session when omitted).
   *
   * @throws TargetAccountRefusedError when the policy lists no role for the account or STS refused
   * the role (access denied, wrong external id); other errors (throttling, network) are retryable.
   */
  async credentialsFor(account: string, sessionName?: string): Promise<AwsCredentialIdentity> {
    const session = sessionName === undefined ? this.#options.sessionName : roleSessionName(sessionName);
    const key = `${account}/${session}`;
    const cached = this.#cache.get(key);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && this.#fresh(credentials)) {
        // Most recently used last, so the oldest session is the first dropped.
        if (this.#cache.get(key) === cached) {
          this.#cache.delete(key);
          this.#cache.set(key, cached);
        }
        return credentials;
      }
      if (this.#cache.get(key) === cached) this.#cache.delete(key);
      return this.credentialsFor(account, session);
    }
    const pending = this.#assume(account, session);
    this.#cache.set(key, pending);
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= this.#options.maxSessions) break;
      this.#cache.delete(oldest);
    }
    pending.catch(() => {
      if (this.#cache.get(key) === pending) this.#cache.delete(key);
    });
    return pending;
  }

  #fresh(credentials: AwsCredentialIdentity): boolean {
    const expires = credentials.expiration?.getTime();
    return expires === undefined || expires - this.#options.marginMs > this.#options.now();
  }

  async #assume(account: string, sessionName: string): Promise<AwsCredentialIdentity> {
    const target = this.#targets.get(account);
    if (!target)
      throw new TargetAccountRefusedError(account, 'the control-plane policy lists no role for it');
    const { AssumeRoleCommand, STSServiceException } = await sts();
    const answer = await (await this.#client())
      .send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: sessionName,
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

/** `RoleSessionName`: 2 to 64 characters of `[\w+=,.@-]` (AWS STS API Reference, AssumeRole). */
const SESSION_NAME_CHARACTERS = /[^\w+=,.@-]/g;
const SESSION_NAME_MAX = 64;

/**
 * `name` as STS accepts it for `RoleSessionName`: characters outside `[\w+=,.@-]` become `-`, the
 * result is cut to 64 characters, and one shorter than 2 is padded with `-`.
 *
 * @example
 * roleSessionName('converge-drift-01JD...'); // unchanged
 * roleSessionName('deploy/app'); // 'deploy-app'
 */
export function roleSessionName(name: string): string {
  return name.replace(SESSION_NAME_CHARACTERS, '-').slice(0, SESSION_NAME_MAX).padEnd(2, '-');
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
