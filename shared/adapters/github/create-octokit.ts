import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/** Octokit with the REST methods, retries of transient failures, and rate-limit handling. */
export const ConvergeOctokit = Octokit.plugin(restEndpointMethods, retry, throttling);
/** The client every GitHub adapter takes; tests point it at a local server with `baseUrl`. */
export type GithubClient = InstanceType<typeof ConvergeOctokit>;

/** How Converge authenticates to GitHub. */
export type GithubAuth =
  | { readonly type: 'token'; readonly token: string }
  | {
      readonly type: 'app';
      readonly appId: number | string;
      /** The App's private key (PEM). */
      readonly privateKey: string;
      readonly installationId: number | string;
    };

export interface CreateOctokitOptions {
  /** REST API root: `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
  readonly baseUrl?: string;
  readonly auth: GithubAuth;
  /** Retries of 5xx and network failures (0 in tests that expect the failure). */
  readonly retries?: number;
  /** Longest rate-limit wait Converge accepts before failing instead, in seconds. */
  readonly maxRateLimitWaitSeconds?: number;
  readonly userAgent?: string;
  /**
   * Pace requests as GitHub asks (one content-creating request per second, rate limits waited
   * out). On by default; tests against a local server turn it off to run at full speed.
   */
  readonly throttle?: boolean;
}

const DEFAULTS = {
  baseUrl: 'https://api.github.com',
  retries: 3,
  maxRateLimitWaitSeconds: 60,
  userAgent: 'converge',
} as const;

/**
 * The Octokit Converge uses: token or GitHub App installation auth, a configurable API root
 * for GitHub Enterprise Server, retries of transient failures, and rate limits waited out when
 * the wait fits in a function's run (otherwise the request fails and the job is retried later).
 *
 * @example
 * const octokit = createOctokit({ auth: { type: 'app', appId, privateKey, installationId } });
 * const source = new GithubSource({ octokit });
 */
export function createOctokit(options: CreateOctokitOptions): GithubClient {
  const maxWait = options.maxRateLimitWaitSeconds ?? DEFAULTS.maxRateLimitWaitSeconds;
  const onLimit = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
    retryCount < 2 && retryAfter <= maxWait;
  const auth =
    options.auth.type === 'token'
      ? { auth: options.auth.token }
      : {
          authStrategy: createAppAuth,
          auth: {
            appId: options.auth.appId,
            privateKey: options.auth.privateKey,
            installationId: options.auth.installationId,
          },
        };
  return new ConvergeOctokit({
    ...auth,
    baseUrl: (options.baseUrl ?? DEFAULTS.baseUrl).replace(/\/+$/, ''),
    userAgent: options.userAgent ?? DEFAULTS.userAgent,
    retry: { retries: options.retries ?? DEFAULTS.retries },
    throttle:
      options.throttle === false
        ? { enabled: false }
        : { onRateLimit: onLimit, onSecondaryRateLimit: onLimit },
  });
}
