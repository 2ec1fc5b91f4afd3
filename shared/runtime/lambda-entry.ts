import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadOnce } from '../adapters/aws/load-once.ts';
import { type StandardMiddlewareOptions, standardMiddleware } from './middleware.ts';

/** A Lambda handler as the functions write it: the context is there for those that read it. */
export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** What {@link lambdaEntry} makes: the Lambda handler, and a way to load what it runs ahead of time. */
export type LambdaEntry<Event, Result> = MiddyfiedHandler<Event, Result, Error, Context> & {
  /** Loads the handler now (a host that loads its functions before taking events calls it). */
  load(): Promise<void>;
};

/**
 * A function's Lambda entry: the standard middleware now, the handler itself (with its use case,
 * the composition root and every library they import) on the first invocation. A cold import then
 * costs little more than a bare Node start, and a function loads only what its handler imports.
 * The first invocation pays the rest once; concurrent first invocations share one load, and a
 * failed load is tried again by the next.
 *
 * @example
 * export const handler = lambdaEntry({ functionName: 'plan' }, async () => {
 *   const [{ planHandler }, { deps }] = await Promise.all([import('./handler.ts'), import('../../shared/runtime/deps.ts')]);
 *   return planHandler(deps());
 * });
 */
export function lambdaEntry<Event, Result>(
  options: StandardMiddlewareOptions,
  load: () => Promise<LambdaHandler<Event, Result>>,
): LambdaEntry<Event, Result> {
  const loaded = loadOnce(load);
  const handler = middy(async function handleOnceLoaded(event: Event, context: Context): Promise<Result> {
    return (await loaded())(event, context);
  }).use(standardMiddleware(options));
  return Object.assign(handler, {
    load: async () => {
      await loaded();
    },
  });
}
