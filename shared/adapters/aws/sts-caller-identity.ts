import type { STSClient } from '@aws-sdk/client-sts';
import type { CallerIdentity, WhoAmI } from '../../ports/caller-identity.ts';
import { loadOnce } from './load-once.ts';

const sts = loadOnce(() => import('@aws-sdk/client-sts'));

/**
 * {@link WhoAmI} over `sts:GetCallerIdentity`, which needs no permission and cannot be denied:
 * the answer is whoever signed the request. The client follows `AWS_ENDPOINT_URL_STS` /
 * `AWS_ENDPOINT_URL` like every other, so the local cloud answers it locally.
 *
 * @example
 * const caller = await stsCallerIdentity()(); // { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' }
 */
export function stsCallerIdentity(given?: STSClient): WhoAmI {
  const client = loadOnce(async () => given ?? new (await sts()).STSClient({}));
  return async function whoAmI(): Promise<CallerIdentity> {
    const { GetCallerIdentityCommand } = await sts();
    const answer = await (await client()).send(new GetCallerIdentityCommand({}));
    if (!answer.Account || !answer.Arn) {
      throw new Error('sts:GetCallerIdentity answered without an account or ARN; check the AWS credentials.');
    }
    return { account: answer.Account, arn: answer.Arn };
  };
}
