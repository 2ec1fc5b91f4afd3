import type { Deployment } from '../deployment/deployment.ts';
import { windowDecision } from './deploy-window.ts';

/** A stack on hold (`converge suspend`): its executions and drift reverts wait until it is resumed. */
export interface Suspension {
  /** Who suspended it (an approver identity). */
  readonly by: string;
  /** When (ISO 8601). */
  readonly at: string;
  readonly reason?: string;
}

/** Why an APPROVED deployment does not execute now, or that nothing holds it. */
export type ExecutionHold =
  | { readonly held: false }
  | { readonly held: true; readonly kind: 'suspended'; readonly message: string }
  | {
      readonly held: true;
      readonly kind: 'window';
      readonly message: string;
      /** The instant (ISO 8601) every window allows it; absent when none does within a year. */
      readonly mayRunAt?: string;
    };

/**
 * Whether an approved deployment may execute at `now`: not while its stack is suspended, and not
 * outside its deploy windows unless an approver overrode them for it. Waiting is a condition on
 * APPROVED, checked where executions start, not a status: the approval and its change set stay
 * what they are, and supersede, cancel and expiry of the change set apply as to any approved one.
 *
 * @example
 * const hold = executionHold({ deployment, suspension: state?.suspended, windowOverridden: false, now: clock.now() });
 * if (hold.held) return { outcome: 'held', message: hold.message };
 */
export function executionHold(input: {
  readonly deployment: Pick<Deployment, 'id' | 'stack' | 'windows'>;
  readonly suspension: Suspension | undefined;
  readonly windowOverridden: boolean;
  readonly now: number;
}): ExecutionHold {
  const { deployment, suspension } = input;
  const stack = deployment.stack.stackName;
  if (suspension) {
    const why = suspension.reason ? ` (${suspension.reason})` : '';
    return {
      held: true,
      kind: 'suspended',
      message: `${stack} is suspended by ${suspension.by} since ${suspension.at}${why}; it waits until converge resume ${stack}.`,
    };
  }
  if (input.windowOverridden || !deployment.windows?.length) return { held: false };
  const decision = windowDecision(deployment.windows, input.now);
  if (decision.allowed) return { held: false };
  const override = `an approver may run it now: converge approve ${deployment.id} --override-window --reason "..."`;
  if (decision.mayRunAt === undefined) {
    return {
      held: true,
      kind: 'window',
      message: `Outside its deploy windows: ${decision.because}, and no window opens within a year; ${override}.`,
    };
  }
  const mayRunAt = new Date(decision.mayRunAt).toISOString();
  return {
    held: true,
    kind: 'window',
    message: `Outside its deploy windows: ${decision.because}; may run at ${mayRunAt}, or ${override}.`,
    mayRunAt,
  };
}
