import type { LocalService, RequestContext } from './service.ts';

/** Who made a call, as CloudTrail's `userIdentity` names it. */
export interface TrailIdentity {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` for assumed roles, an IAM user ARN otherwise. */
  readonly arn: string;
  readonly accessKeyId: string;
  /** The `RoleSessionName` of an assumed role's session. */
  readonly sessionName?: string;
}

/** One call to an emulated service, shaped like a CloudTrail event (only the fields tests read). */
export interface TrailEvent {
  readonly eventTime: string;
  /** `cloudformation.amazonaws.com`, `cloudcontrolapi.amazonaws.com`, ... */
  readonly eventSource: string;
  /** The API action: `ExecuteChangeSet`. */
  readonly eventName: string;
  /** The account the call acted in. */
  readonly recipientAccountId: string;
  readonly userIdentity: TrailIdentity;
  /** The error code, when the call failed. */
  readonly errorCode?: string;
}

/** How many events the trail keeps; older ones are dropped first. */
const DEFAULT_CAPACITY = 10_000;

/**
 * The local cloud's CloudTrail: a bounded, in-memory list of the calls made to the services it
 * wraps (see {@link recordCalls}), with who made each, so a test can ask which session acted in
 * which account. Reads only; nothing in the local cloud depends on it.
 *
 * @example
 * cloud.trail.events({ eventName: 'ExecuteChangeSet', recipientAccountId: '111111111111' });
 */
export class CallTrail {
  readonly #events: TrailEvent[] = [];
  constructor(private readonly capacity: number = DEFAULT_CAPACITY) {}

  record(event: TrailEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.capacity) this.#events.splice(0, this.#events.length - this.capacity);
  }

  /** The recorded events, oldest first, that match every field given. */
  events(filter: Partial<Pick<TrailEvent, 'eventSource' | 'eventName' | 'recipientAccountId'>> = {}) {
    return this.#events.filter((event) =>
      Object.entries(filter).every(([key, value]) => event[key as keyof typeof filter] === value),
    );
  }
}

/**
 * `service` with every call recorded in `trail`, the caller named by `identify` (the local STS
 * knows the sessions it issued) and the account by `accountOf`.
 */
export function recordCalls<S extends LocalService>(
  service: S,
  trail: CallTrail,
  who: {
    identify(accessKeyId: string): TrailIdentity;
    accountOf(accessKeyId: string): string;
  },
): S {
  const eventSource = `${service.signingName}.amazonaws.com`;
  return {
    ...service,
    async handle(operation: string, input: Record<string, unknown>, context: RequestContext) {
      const event = {
        eventTime: new Date().toISOString(),
        eventSource,
        eventName: operation,
        recipientAccountId: who.accountOf(context.accessKeyId),
        userIdentity: who.identify(context.accessKeyId),
      };
      try {
        const output = await service.handle(operation, input, context);
        trail.record(event);
        return output;
      } catch (error) {
        trail.record({ ...event, errorCode: (error as { code?: string }).code ?? 'InternalFailure' });
        throw error;
      }
    },
  } as S;
}
