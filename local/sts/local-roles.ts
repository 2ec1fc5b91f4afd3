/** A role the local cloud lets callers assume: its ARN, and the external id its trust policy demands. */
export interface LocalRole {
  /** `arn:aws:iam::<account>:role/<name>`. */
  readonly arn: string;
  /** When set, `AssumeRole` must carry exactly this `ExternalId` (the `sts:ExternalId` condition). */
  readonly externalId?: string;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,512})$/;

/**
 * The roles of the emulated accounts. A role not registered here does not exist, so assuming it is
 * refused like a role whose trust policy does not name the caller.
 */
export class LocalRoles {
  readonly #roles = new Map<string, LocalRole>();

  constructor(roles: readonly LocalRole[] = []) {
    for (const role of roles) this.add(role);
  }

  /**
   * Registers a role (again: replaces it).
   *
   * @throws TypeError for an ARN that is not an IAM role ARN.
   */
  add(role: LocalRole): void {
    if (!ROLE_ARN.test(role.arn)) {
      throw new TypeError(
        `"${role.arn}" is not an IAM role ARN such as arn:aws:iam::111111111111:role/converge-deploy.`,
      );
    }
    this.#roles.set(role.arn, { ...role });
  }

  get(arn: string): LocalRole | undefined {
    return this.#roles.get(arn);
  }
}

/** The account and name in a role ARN. */
export function parseRoleArn(arn: string): { account: string; name: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  return match ? { account: match[1]!, name: match[2]! } : undefined;
}
