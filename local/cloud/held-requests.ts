/** A request the fault injector holds unanswered. */
export interface HeldRequest {
  readonly service: string;
  readonly operation: string;
  readonly since: Date;
}

/**
 * The requests held by a `hold` fault rule until `release()`. A held request whose caller goes
 * away is abandoned, never run: that is how a test stops a process between two of its calls.
 */
export function heldRequests() {
  const waiting = new Set<{ request: HeldRequest; let: (run: boolean) => void }>();
  const held = new Map<string, number>();
  const abandoned = new Map<string, number>();
  const bump = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

  return {
    list: (): readonly HeldRequest[] => [...waiting].map((entry) => entry.request),
    release(): number {
      const all = [...waiting];
      for (const entry of all) entry.let(true);
      return all.length;
    },
    park(service: string, operation: string, gone: Promise<void>): Promise<boolean> {
      const key = `${service}.${operation}`;
      bump(held, key);
      return new Promise<boolean>((resolve) => {
        const entry = {
          request: { service, operation, since: new Date() },
          let: (run: boolean) => {
            if (!waiting.delete(entry)) return;
            if (!run) bump(abandoned, key);
            resolve(run);
          },
        };
        waiting.add(entry);
        void gone.then(() => entry.let(false));
      });
    },
    counted: () => Object.fromEntries(held),
    abandoned: () => Object.fromEntries(abandoned),
    resetCounters() {
      held.clear();
      abandoned.clear();
    },
  };
}
