import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';

/** One execution of a change set on a stack, as the stack's own events tell it. */
export interface StackExecution {
  /** The `ClientRequestToken` of ExecuteChangeSet: Converge passes the deployment id. */
  readonly token: string;
  /** Positions of its first and last stack-level event, oldest event first. */
  readonly first: number;
  readonly last: number;
  /** Stack-level statuses it went through, in order. */
  readonly statuses: readonly string[];
}

/**
 * A stack's executions from its stack events (DescribeStackEvents, every page), oldest first.
 * Events are what CloudFormation itself recorded, so two executions that overlapped show up
 * here however briefly they did, where sampling the store would miss it.
 */
export async function stackExecutions(
  endpoint: string,
  region: string,
  stackName: string,
): Promise<readonly StackExecution[]> {
  const client = new CloudFormationClient({ region, endpoint, maxAttempts: 10 });
  const events: StackEvent[] = [];
  let next: string | undefined;
  do {
    const page = await client.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: next }));
    events.push(...(page.StackEvents ?? []));
    next = page.NextToken;
  } while (next);
  const stackLevel = events
    .filter((e) => e.ResourceType === 'AWS::CloudFormation::Stack' && e.ClientRequestToken)
    .reverse();
  const byToken = new Map<string, { first: number; last: number; statuses: string[] }>();
  for (const [index, event] of stackLevel.entries()) {
    const token = event.ClientRequestToken!;
    const seen = byToken.get(token) ?? { first: index, last: index, statuses: [] };
    seen.last = index;
    seen.statuses.push(event.ResourceStatus ?? '');
    byToken.set(token, seen);
  }
  return [...byToken].map(([token, e]) => ({ token, ...e })).sort((a, b) => a.first - b.first);
}

/** Pairs of executions whose event ranges interleave: two at once on one stack. */
export function overlappingExecutions(
  executions: readonly StackExecution[],
): readonly [StackExecution, StackExecution][] {
  const overlaps: [StackExecution, StackExecution][] = [];
  let latest: StackExecution | undefined;
  for (const current of executions) {
    if (latest && current.first < latest.last) overlaps.push([latest, current]);
    if (!latest || current.last > latest.last) latest = current;
  }
  return overlaps;
}
