/**
 * Seconds in a duration written as `30m`, `24h`, `7d` or a combination such as `1h30m`
 * (units: `d`, `h`, `m`, `s`), or `undefined` when it is not one.
 *
 * @example
 * parseDuration('24h'); // 86400
 * parseDuration('1h30m'); // 5400
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return Number(d) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
}
