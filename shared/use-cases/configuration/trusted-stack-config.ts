import type { Configuration, StackConfig } from '../../domain/config/stack-config.ts';
import type { Source } from '../../ports/source.ts';
import { loadConfiguration } from './load-configuration.ts';

/** Reads each (repository, revision) configuration once per invocation. */
export type ConfigurationCache = Map<string, Promise<Configuration | Error>>;

/**
 * A stack's entry in converge.yaml at a revision already applied (trusted configuration: the
 * drift policy and approval rule come from there, never from a revision not yet deployed), or the
 * error that says why it cannot be read.
 */
export async function trustedStackConfig(
  { source }: { source: Source },
  cache: ConfigurationCache,
  target: { readonly repository: string; readonly revision: string; readonly stack: { stackName: string } },
): Promise<StackConfig | Error> {
  const key = `${target.repository}@${target.revision}`;
  let loading = cache.get(key);
  if (!loading) {
    loading = loadConfiguration(
      { source },
      { repository: target.repository, revision: target.revision },
    ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    cache.set(key, loading);
  }
  const configuration = await loading;
  if (configuration instanceof Error) return configuration;
  const stack = configuration.stacks.find((s) => s.name === target.stack.stackName);
  return (
    stack ??
    new Error(
      `${target.stack.stackName} is not in converge.yaml at ${target.revision.slice(0, 12)}, the last applied revision.`,
    )
  );
}
