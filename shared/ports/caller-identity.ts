/** Who is calling, as the cloud authenticated them (`sts:GetCallerIdentity`). */
export interface CallerIdentity {
  /** The twelve-digit account id. */
  readonly account: string;
  /** The principal ARN: an IAM user or role, or an assumed-role session. */
  readonly arn: string;
}

/** Asks the cloud who the current credentials belong to. Adapter: `adapters/aws/sts-caller-identity.ts`. */
export type WhoAmI = () => Promise<CallerIdentity>;
