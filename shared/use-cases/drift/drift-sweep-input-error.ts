/** A drift sweep was asked for something it cannot do (an unknown stack, a bad setting); nothing was started. */
export class DriftSweepInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftSweepInputError';
  }
}
