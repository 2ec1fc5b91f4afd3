import { escapeXml } from './escape-xml.ts';

/**
 * Encodes an SDK-shaped value as the children of an AWS XML element: arrays as `<member>`
 * elements, `Map`s as `<entry><key/><value/></entry>`, Dates as ISO 8601, booleans as
 * `true`/`false`, objects as nested elements; `undefined` and `null` members are left out.
 */
export function encodeXmlValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => element('member', item)).join('');
  if (value instanceof Map) {
    return [...value]
      .map(([key, item]) => `<entry>${element('key', String(key))}${element('value', item)}</entry>`)
      .join('');
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([name, item]) => element(name, item))
      .join('');
  }
  if (typeof value === 'string') return escapeXml(value);
  return escapeXml(String(value));
}

/** One element named `name` holding `value`; nothing for `undefined`/`null`. */
export function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${encodeXmlValue(value)}</${name}>`;
}
