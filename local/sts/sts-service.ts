import { randomBytes } from 'node:crypto';
import { accountOfAccessKey, issueAccessKeyId } from '../cloud/account-keys.ts';
import type { TrailIdentity } from '../cloud/call-trail.ts';
import {
  AwsServiceError,
  type QueryInputType,
  type QueryProtocolService,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../cloud/service.ts';
import { LocalRoles, parseRoleArn } from './local-roles.ts';

/** `RoleSessionName`: 2 to 64 characters of `[\w+=,.@-]` (AWS STS API Reference, AssumeRole). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** DurationSeconds: 900 seconds up to the role's maximum (one hour here, the default maximum). */
const MIN_DURATION = 900;
const MAX_DURATION = 3600;

/** Who a temporary key issued by AssumeRole belongs to. */
interface Session {
  readonly account: string;
  readonly roleName: string;
  readonly sessionName: string;
}

/**
 * STS over the AWS Query protocol (version 2011-06-15): `GetCallerIdentity` and `AssumeRole`.
 *
 * A caller with any key the local cloud did not issue is the IAM user named after its access key
 * id in the local account (`000000000000`, which no AWS account has); `converge approve` asks it
 * who is voting, exactly as it asks AWS. `AssumeRole` issues temporary credentials whose access key
 * id spells the role's account (see `issueAccessKeyId`), so every other service acts in that
 * account for requests signed with them. Only roles registered in {@link LocalRoles} exist; one
 * that is not, or an `ExternalId` that does not match the role's, is refused with `AccessDenied`.
 */
export class StsService implements QueryProtocolService {
  readonly protocol = 'query' as const;
  readonly signingName = 'sts';
  readonly version = '2011-06-15';
  readonly xmlNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';
  readonly inputTypes: Readonly<Record<string, QueryInputType>> = { DurationSeconds: 'number' };
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly roles: LocalRoles = new LocalRoles(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(action: string, input: ServiceInput, context: RequestContext): Promise<ServiceOutput> {
    if (action === 'GetCallerIdentity') return this.#callerIdentity(context);
    if (action === 'AssumeRole') return this.#assumeRole(input, context);
    throw new AwsServiceError(
      'InvalidAction',
      `The local cloud's STS answers GetCallerIdentity and AssumeRole only; ${action} is not emulated.`,
    );
  }

  /** Who signs with `accessKeyId`: the assumed role's session this STS issued it to, or an IAM user. */
  identify(accessKeyId: string): TrailIdentity {
    const session = this.#sessions.get(accessKeyId);
    const arn = this.#callerIdentity({ accessKeyId }).Arn as string;
    return { arn, accessKeyId, ...(session ? { sessionName: session.sessionName } : {}) };
  }

  #callerIdentity(context: Pick<RequestContext, 'accessKeyId'>): ServiceOutput {
    const session = this.#sessions.get(context.accessKeyId);
    if (session) {
      return {
        UserId: `AROALOCAL${session.roleName.toUpperCase().replace(/[^A-Z0-9]/g, '')}:${session.sessionName}`,
        Account: session.account,
        Arn: `arn:aws:sts::${session.account}:assumed-role/${session.roleName}/${session.sessionName}`,
      };
    }
    const user = context.accessKeyId.replace(/[^\w+=,.@-]/g, '-') || 'local';
    const account = accountOfAccessKey(context.accessKeyId);
    return {
      UserId: `AIDALOCAL${user.toUpperCase()}`.slice(0, 128),
      Account: account,
      Arn: `arn:aws:iam::${account}:user/${user}`,
    };
  }

  #assumeRole(input: ServiceInput, context: RequestContext): ServiceOutput {
    const roleArn = typeof input.RoleArn === 'string' ? input.RoleArn : '';
    const sessionName = typeof input.RoleSessionName === 'string' ? input.RoleSessionName : '';
    if (!roleArn) throw validation('roleArn');
    if (!SESSION_NAME.test(sessionName)) {
      throw new AwsServiceError(
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const duration = typeof input.DurationSeconds === 'number' ? input.DurationSeconds : 3600;
    if (!Number.isInteger(duration) || duration < MIN_DURATION || duration > MAX_DURATION) {
      throw new AwsServiceError(
        'ValidationError',
        `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`,
      );
    }
    const caller = this.#callerIdentity(context).Arn as string;
    const role = this.roles.get(roleArn);
    const parsed = parseRoleArn(roleArn);
    const externalId = typeof input.ExternalId === 'string' ? input.ExternalId : undefined;
    if (!role || !parsed || (role.externalId !== undefined && role.externalId !== externalId)) {
      throw new AwsServiceError(
        'AccessDenied',
        `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        { statusCode: 403 },
      );
    }
    const accessKeyId = issueAccessKeyId(parsed.account);
    const roleName = parsed.name.split('/').at(-1)!;
    this.#sessions.set(accessKeyId, { account: parsed.account, roleName, sessionName });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: randomBytes(30).toString('base64'),
        SessionToken: randomBytes(48).toString('base64'),
        Expiration: new Date(this.now().getTime() + duration * 1000),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROALOCAL${roleName.toUpperCase().replace(/[^A-Z0-9]/g, '')}:${sessionName}`,
        Arn: `arn:aws:sts::${parsed.account}:assumed-role/${roleName}/${sessionName}`,
      },
    };
  }
}

function validation(member: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationError',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}
