/** An instant as ISO 8601, from anything that tells the time (the Clock port, a test clock). */
export function iso(clock: { now(): number }): string {
  return new Date(clock.now()).toISOString();
}
