import { valueText } from '../plan/change-model.ts';
import { sameValue } from '../plan/same-value.ts';

/** `PropertyDifference`, as DescribeStackResourceDrifts returns it. */
export interface PropertyDifference {
  readonly PropertyPath: string;
  readonly ExpectedValue: string;
  readonly ActualValue: string;
  readonly DifferenceType: 'ADD' | 'REMOVE' | 'NOT_EQUAL';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The differences between a resource's expected properties (the template) and its actual
 * ones, with CloudFormation's JSON-pointer paths (`/VisibilityTimeout`, `/Tags/0/Value`).
 * Like CloudFormation, only properties the template sets are compared: an actual property
 * the template leaves out (a default) is not drift, while inside a property the template
 * sets, an extra actual item is.
 */
export function propertyDifferences(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
): PropertyDifference[] {
  const found: PropertyDifference[] = [];
  for (const [name, value] of Object.entries(expected))
    compare(`/${escapePointer(name)}`, value, actual[name], found);
  return found;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function compare(path: string, expected: unknown, actual: unknown, found: PropertyDifference[]): void {
  if (actual === undefined) {
    found.push({
      PropertyPath: path,
      ExpectedValue: valueText(expected) ?? 'null',
      ActualValue: 'null',
      DifferenceType: 'REMOVE',
    });
    return;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      if (!(key in expected)) {
        found.push({
          PropertyPath: `${path}/${escapePointer(key)}`,
          ExpectedValue: 'null',
          ActualValue: valueText(actual[key]) ?? 'null',
          DifferenceType: 'ADD',
        });
      } else {
        compare(`${path}/${escapePointer(key)}`, expected[key], actual[key], found);
      }
    }
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    for (let index = 0; index < length; index += 1) {
      if (index >= expected.length) {
        found.push({
          PropertyPath: `${path}/${index}`,
          ExpectedValue: 'null',
          ActualValue: valueText(actual[index]) ?? 'null',
          DifferenceType: 'ADD',
        });
      } else {
        compare(`${path}/${index}`, expected[index], actual[index], found);
      }
    }
    return;
  }
  if (!sameValue(expected, actual)) {
    found.push({
      PropertyPath: path,
      ExpectedValue: valueText(expected) ?? 'null',
      ActualValue: valueText(actual) ?? 'null',
      DifferenceType: 'NOT_EQUAL',
    });
  }
}
