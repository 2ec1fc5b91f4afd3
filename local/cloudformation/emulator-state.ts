import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError } from '../cloud/service.ts';
import { AlarmStates } from './alarm-states.ts';
import type { ResourceActionDeps } from './execute/resource-actions.ts';
import type { ResourceFailures } from './resource-failures.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import type { StackEvents } from './stack-events.ts';
import type { ChangeSet, DriftDetection, Stack } from './stack-model.ts';

/** How long each asynchronous phase takes, in milliseconds. */
export interface EmulatorDelays {
  /** Each change-set step (CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE). */
  readonly changeSet: number;
  /** Each resource create, update or delete. */
  readonly resource: number;
  /** Each stack status phase (e.g. before cleanup). */
  readonly stackPhase: number;
  /** A drift detection run. */
  readonly drift: number;
  /** A Cloud Control resource request. */
  readonly cloudControl: number;
}

export const DEFAULT_DELAYS: EmulatorDelays = {
  changeSet: 100,
  resource: 50,
  stackPhase: 50,
  drift: 150,
  cloudControl: 50,
};

/** Everything the CloudFormation and Cloud Control emulators share. */
export class EmulatorState {
  readonly stacks = new Map<string, Stack>();
  readonly changeSets = new Map<string, ChangeSet>();
  readonly detections = new Map<string, DriftDetection>();
  /** CloudWatch alarm states, watched by executions whose change set names rollback triggers. */
  readonly alarms = new AlarmStates();
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    readonly registry: ResourceRegistry,
    readonly failures: ResourceFailures,
    readonly events: StackEvents,
    readonly delays: EmulatorDelays,
    readonly account: string,
    readonly now: () => Date,
    readonly fetchTemplate: ((url: string) => Promise<string>) | undefined,
  ) {}

  /** Resource-action dependencies, paced by the configured delays. */
  actionDeps(): ResourceActionDeps & { phasePause: () => Promise<void>; alarms: AlarmStates } {
    return {
      alarms: this.alarms,
      registry: this.registry,
      failures: this.failures,
      events: this.events,
      account: this.account,
      now: this.now,
      pause: () => sleep(this.delays.resource),
      phasePause: () => sleep(this.delays.stackPhase),
    };
  }

  /** Runs work in the background, as AWS does after answering; `idle()` waits for it. */
  background(work: () => Promise<void>): void {
    const task = work()
      .catch((error: unknown) => {
        // Every operation records its own failure; reaching here is a bug in the emulator.
        process.emitWarning(`Local CloudFormation background work failed: ${String(error)}`);
      })
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once no background work (change sets, executions, drift runs) is left. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * The stack a `StackName` names: by ARN (deleted stacks too) or by name (live stacks only).
   *
   * @throws AwsServiceError `ValidationError` "Stack with id X does not exist".
   */
  stack(nameOrId: unknown): Stack {
    const wanted = requiredString(nameOrId, 'StackName');
    const found = wanted.startsWith('arn:')
      ? this.stacks.get(wanted)
      : [...this.stacks.values()].find(
          (stack) => stack.name === wanted && stack.status !== 'DELETE_COMPLETE',
        );
    if (!found) throw new AwsServiceError('ValidationError', `Stack with id ${wanted} does not exist`);
    return found;
  }

  /** The live stack named `name`, if any. */
  liveStack(name: string): Stack | undefined {
    return [...this.stacks.values()].find(
      (stack) => stack.name === name && stack.status !== 'DELETE_COMPLETE',
    );
  }

  /**
   * The change set a `ChangeSetName` (ARN, or name with `StackName`) names.
   *
   * @throws AwsServiceError `ChangeSetNotFound` (404) when there is none.
   */
  changeSet(nameOrId: unknown, stackName: unknown): ChangeSet {
    const wanted = requiredString(nameOrId, 'ChangeSetName');
    let found: ChangeSet | undefined;
    if (wanted.startsWith('arn:')) {
      found = this.changeSets.get(wanted);
    } else {
      if (stackName === undefined || stackName === '') {
        throw new AwsServiceError(
          'ValidationError',
          'StackName must be specified if ChangeSetName is not specified as an ARN.',
        );
      }
      const stack = this.stack(stackName);
      found = [...this.changeSets.values()].find(
        (candidate) => candidate.stackId === stack.id && candidate.name === wanted,
      );
    }
    if (!found)
      throw new AwsServiceError('ChangeSetNotFound', `ChangeSet [${wanted}] does not exist`, {
        statusCode: 404,
      });
    return found;
  }
}

/**
 * A required string input.
 *
 * @throws AwsServiceError `ValidationError` naming the missing member.
 */
export function requiredString(value: unknown, member: string): string {
  if (typeof value !== 'string' || value === '') {
    const field = member.charAt(0).toLowerCase() + member.slice(1);
    throw new AwsServiceError(
      'ValidationError',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** A boolean query-protocol input (`true` / `"true"`). */
export function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A list input (the wire layer decodes `member.N` lists into arrays). */
export function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}
