/**
 * How much traffic the reliability suites send. The default fits `npm test` on a 2-core machine
 * (a few minutes for the whole project); `RELIABILITY_SIZE=full` (`npm run
 * test:reliability -- --full`) is the long run.
 */
export interface ReliabilitySize {
  readonly name: 'default' | 'full';
  /** Infrastructure repositories; each names {@link ReliabilitySize.stacksPerRepository} stacks. */
  readonly repositories: number;
  readonly stacksPerRepository: number;
  /** Commits on main per repository after the first (each changes one or two stacks). */
  readonly commitsPerRepository: number;
  /** Pull requests per repository (opened, synchronized, closed). */
  readonly pullRequestsPerRepository: number;
  /** Deliveries in all, duplicates included (`full`: at least 1,000). */
  readonly deliveries: number;
  /** Share of deliveries that are the same delivery sent again. */
  readonly duplicateShare: number;
  /** Senders sending at once. */
  readonly senders: number;
  /** Generated bad requests of the hostile suite, about (`full`: at least 500). */
  readonly hostile: number;
}

const SIZES: Record<ReliabilitySize['name'], ReliabilitySize> = {
  // About a minute per suite on a quiet 2-core machine: every kind of traffic, fault and attack,
  // fewer of each. The issue's figures (1,000+ deliveries, 500+ hostile inputs) are `full`'s.
  default: {
    name: 'default',
    repositories: 3,
    stacksPerRepository: 4,
    commitsPerRepository: 2,
    pullRequestsPerRepository: 1,
    deliveries: 300,
    duplicateShare: 0.3,
    senders: 8,
    hostile: 260,
  },
  full: {
    name: 'full',
    repositories: 4,
    stacksPerRepository: 5,
    commitsPerRepository: 40,
    pullRequestsPerRepository: 10,
    deliveries: 10_000,
    duplicateShare: 0.3,
    senders: 16,
    hostile: 5_000,
  },
};

/**
 * The size this run asks for (`RELIABILITY_SIZE`: `default` or `full`). Not a `CONVERGE_` name:
 * the host runs the functions in this process, and Converge's configuration refuses unknown
 * `CONVERGE_*` variables.
 */
export function reliabilitySize(value = process.env.RELIABILITY_SIZE): ReliabilitySize {
  if (value === undefined || value === '' || value === 'default') return SIZES.default;
  if (value === 'full') return SIZES.full;
  throw new Error(`RELIABILITY_SIZE is "${value}"; use "default" or "full".`);
}
