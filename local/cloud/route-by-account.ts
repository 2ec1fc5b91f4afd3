import { accountOfAccessKey } from './account-keys.ts';
import type { LocalService } from './service.ts';

/**
 * One service per emulated account behind one endpoint: a copy of `template` (same protocol,
 * signing name, codecs) whose `handle` goes to the service of the account the request's access key
 * acts in, so stacks, change sets and resources of one account are never seen from another.
 *
 * @example
 * const cloudFormation = routeByAccount(emulators.of(LOCAL_ACCOUNT_ID).cloudFormation, (account) => emulators.of(account).cloudFormation);
 */
export function routeByAccount<S extends LocalService>(template: S, serviceOf: (account: string) => S): S {
  return {
    ...template,
    handle(operation, input, context) {
      return serviceOf(accountOfAccessKey(context.accessKeyId)).handle(operation, input, context);
    },
  } as S;
}
