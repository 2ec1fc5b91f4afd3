/** A drift `ignore` rule that cannot be read; the message says how to write it. */
export class DriftIgnoreRuleInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftIgnoreRuleInvalidError';
  }
}
