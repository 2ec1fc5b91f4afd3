import { LOCAL_ACCOUNT_ID } from '../cloud/create-cloud-event.ts';
import {
  AwsServiceError,
  type QueryProtocolService,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../cloud/service.ts';

/**
 * STS over the AWS Query protocol (version 2011-06-15), `GetCallerIdentity` only: the caller is
 * the IAM user named after the request's access key id, in the local account
 * (`000000000000`, which no AWS account has). `converge approve` asks it who is voting, exactly
 * as it asks AWS; a principal in this account is how the CLI knows `--as` is allowed.
 */
export class StsService implements QueryProtocolService {
  readonly protocol = 'query' as const;
  readonly signingName = 'sts';
  readonly version = '2011-06-15';
  readonly xmlNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

  async handle(action: string, _input: ServiceInput, context: RequestContext): Promise<ServiceOutput> {
    if (action !== 'GetCallerIdentity') {
      throw new AwsServiceError(
        'InvalidAction',
        `The local cloud's STS answers GetCallerIdentity only; ${action} is not emulated.`,
      );
    }
    const user = context.accessKeyId.replace(/[^\w+=,.@-]/g, '-') || 'local';
    return {
      UserId: `AIDALOCAL${user.toUpperCase()}`.slice(0, 128),
      Account: LOCAL_ACCOUNT_ID,
      Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${user}`,
    };
  }
}
