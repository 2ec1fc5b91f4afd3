/** How often one kind of rejected request is logged at most, per execution environment. */
export const REJECTION_LOG_INTERVAL_MS = 60_000;

/**
 * Decides which rejected requests get a log line: the first of each kind, then at most one per
 * interval, carrying how many were left out since. Anyone on the internet can send requests to a
 * Function URL, so rejections are counted by a metric and only sampled into the logs (and never
 * written to the table).
 *
 * @example
 * const sample = rejectionLogSampler();
 * const decision = sample('GithubWebhookSignatureInvalidError', Date.now());
 * if (decision.log) logger.warn('Request rejected', { suppressed: decision.suppressed });
 */
export function rejectionLogSampler(intervalMs: number = REJECTION_LOG_INTERVAL_MS) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return function sampleRejection(
    kind: string,
    now: number,
  ): { readonly log: boolean; readonly suppressed: number } {
    const seen = last.get(kind);
    if (seen && now - seen.at < intervalMs) {
      seen.suppressed += 1;
      return { log: false, suppressed: seen.suppressed };
    }
    last.set(kind, { at: now, suppressed: 0 });
    return { log: true, suppressed: seen?.suppressed ?? 0 };
  };
}
