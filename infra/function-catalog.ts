import type { SecretName } from '../shared/runtime/config.ts';

/** What starts a function. */
export type Trigger = 'http' | 'plan-queue' | 'execute-queue' | 'stack-events' | 'schedule';

/** One Converge function as the stateless stack deploys it. */
export interface FunctionSpec {
  /** Folder under `functions/`, the `Function` metric dimension and the name suffix. */
  readonly name: FunctionName;
  readonly description: string;
  readonly trigger: Trigger;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Reserved concurrency: where overlapping runs would do harm, and on the public URLs as a ceiling. */
  readonly reservedConcurrency?: number;
  /** Secrets the function reads; only these ARNs reach its environment and its role. */
  readonly secrets: readonly SecretName[];
}

export const FUNCTION_NAMES = [
  'webhook',
  'approve',
  'plan',
  'execute',
  'stack-events',
  'reconcile',
  'drift-sweep',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The GitHub credential secret, whichever way GitHub is authenticated. */
export const GITHUB_CREDENTIAL = 'github-credential' as const;
type SecretRef = SecretName | typeof GITHUB_CREDENTIAL;

const NOTIFY: readonly SecretRef[] = [GITHUB_CREDENTIAL, 'slackBotToken'];

/**
 * Concurrent executions each public function (webhook, approve) may use: far above what people
 * pushing and clicking need (each request takes well under a second), and a ceiling on what an
 * unauthenticated flood can spend.
 */
export const PUBLIC_CONCURRENCY = 10;

const SPECS: Record<
  FunctionName,
  Omit<FunctionSpec, 'name' | 'secrets'> & { secrets: readonly SecretRef[] }
> = {
  webhook: {
    description:
      'Verifies GitHub webhooks, records the delivery, and queues plan jobs for the stacks a push touched',
    trigger: 'http',
    // GitHub gives up on a delivery after 10 seconds.
    timeoutSeconds: 10,
    memoryMb: 512,
    // A public URL: a flood of requests (signed or not) takes at most this many executions and
    // never starves the functions that finish deployments. GitHub retries what is throttled.
    reservedConcurrency: PUBLIC_CONCURRENCY,
    // PR review votes update the deployment's Slack message too.
    secrets: ['githubWebhookSecret', ...NOTIFY],
  },
  approve: {
    description: 'Verifies Slack interactivity requests and records approvals; queues execution at quorum',
    trigger: 'http',
    timeoutSeconds: 10,
    memoryMb: 512,
    // A public URL, bounded like the webhook's.
    reservedConcurrency: PUBLIC_CONCURRENCY,
    secrets: ['slackSigningSecret', ...NOTIFY],
  },
  plan: {
    description:
      'Creates and summarizes a change set for one stack at one revision and applies the approval policy',
    trigger: 'plan-queue',
    // Waiting for CreateChangeSet to finish can take minutes on large stacks.
    timeoutSeconds: 300,
    memoryMb: 1024,
    secrets: NOTIFY,
  },
  execute: {
    description: 'Locks the stack, re-checks the approval and executes the change set',
    trigger: 'execute-queue',
    timeoutSeconds: 60,
    memoryMb: 512,
    secrets: NOTIFY,
  },
  'stack-events': {
    description: 'Finishes deployments from CloudFormation stack status events, releases the lock, notifies',
    trigger: 'stack-events',
    timeoutSeconds: 60,
    memoryMb: 512,
    secrets: NOTIFY,
  },
  reconcile: {
    description:
      'Closes EXECUTING deployments no event closed, expires approvals past their deadline, and plans stacks whose branch head moved without a webhook',
    trigger: 'schedule',
    timeoutSeconds: 300,
    memoryMb: 512,
    // Two overlapping runs would race on the same deployments; one at a time.
    reservedConcurrency: 1,
    // The GitHub credential also reads branch heads and converge.yaml for the Git poll.
    secrets: NOTIFY,
  },
  'drift-sweep': {
    description:
      'Runs drift detection on managed stacks, records drift, and reports it or plans a revert through the approval gate',
    trigger: 'schedule',
    timeoutSeconds: 300,
    memoryMb: 512,
    // Bounded detection: one sweep at a time keeps DetectStackDrift within its API limits.
    reservedConcurrency: 1,
    secrets: NOTIFY,
  },
};

/**
 * The seven functions with the GitHub credential resolved to the App private key or the
 * token, per `converge:githubAuth`.
 */
export function functionSpecs(githubAuth: 'app' | 'token'): readonly FunctionSpec[] {
  const github: SecretName = githubAuth === 'app' ? 'githubPrivateKey' : 'githubToken';
  return FUNCTION_NAMES.map((name) => ({
    ...SPECS[name],
    name,
    secrets: SPECS[name].secrets.map((secret) => (secret === GITHUB_CREDENTIAL ? github : secret)),
  }));
}

/** Seconds a queue hides a message in flight: six times the consumer's timeout, as AWS advises. */
export function visibilityTimeoutSeconds(name: 'plan' | 'execute'): number {
  return SPECS[name].timeoutSeconds * 6;
}
