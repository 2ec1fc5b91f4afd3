import type { ApproverIdentity } from './approval.ts';
import { parseApproverIdentity } from './parse-approver-identity.ts';

/**
 * Which person each identity belongs to: one person may vote from Slack, GitHub and the CLI,
 * and still counts once towards a quorum. Built by {@link buildApproverAliases}.
 */
export type ApproverAliases = ReadonlyMap<ApproverIdentity, string>;

/** The aliases, or every problem found in the configuration (nothing is half-built). */
export type ApproverAliasesResult =
  | { readonly ok: true; readonly aliases: ApproverAliases }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Builds the alias map from configuration: person name → identities.
 *
 * @example
 * ```ts
 * const built = buildApproverAliases({ alice: ['slack:U0123', 'github:alice'] });
 * if (built.ok) personOf('github:Alice', built.aliases); // 'person:alice'
 * ```
 */
export function buildApproverAliases(
  people: Readonly<Record<string, readonly string[]>>,
): ApproverAliasesResult {
  const aliases = new Map<ApproverIdentity, string>();
  const problems: string[] = [];
  for (const [name, identities] of Object.entries(people)) {
    if (name.trim() === '')
      problems.push('A person in approver aliases has an empty name; give each person a name.');
    for (const text of identities) {
      const parsed = parseApproverIdentity(text);
      if (!parsed.ok) {
        problems.push(`${name}: ${parsed.message}`);
        continue;
      }
      const owner = aliases.get(parsed.identity);
      if (owner !== undefined && owner !== name) {
        problems.push(
          `${parsed.identity} is listed for both ${owner} and ${name}; an identity belongs to one person.`,
        );
        continue;
      }
      aliases.set(parsed.identity, name);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, aliases };
}

/**
 * The person behind an identity: `person:<name>` when an alias names it, else the normalised
 * identity itself. Two identities count as one voter exactly when this returns the same string.
 */
export function personOf(identity: string, aliases?: ApproverAliases): string {
  const parsed = parseApproverIdentity(identity);
  const normal = parsed.ok ? parsed.identity : identity;
  const name = parsed.ok ? aliases?.get(parsed.identity) : undefined;
  return name === undefined ? normal : `person:${name}`;
}
