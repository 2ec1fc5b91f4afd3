import { describe, expect, it } from 'vitest';
import { shownLocation } from '../../../cli/commands/dev.ts';

describe('shownLocation', () => {
  it.each([
    ['https://x-access-token:ghs_secret@github.com/acme/infra.git', 'https://github.com/acme/infra.git'],
    ['https://alice@git.example.com/acme/infra.git', 'https://git.example.com/acme/infra.git'],
    ['https://github.com/acme/infra.git', 'https://github.com/acme/infra.git'],
    ['/home/alice/src/infra', '/home/alice/src/infra'],
  ])('shows %s as %s, never a token', (location, shown) => {
    expect(shownLocation(location)).toBe(shown);
    expect(shownLocation(location)).not.toContain('ghs_secret');
  });
});
