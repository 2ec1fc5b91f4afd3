import { describe, expect, it } from 'vitest';
import { type LocalCloudOptions, startLocalCloud } from '../../../../local/start-local-cloud.ts';

describe('startLocalCloud options', () => {
  it.each([
    [{ prot: 4566 }, /Unknown local cloud option\(s\): prot\. Known options: port,/],
    [{ port: 70000 }, /port must be a whole number from 0 to 65535, got 70000/],
    [{ port: 1.5 }, /port must be a whole number/],
    [
      { eventTargets: ['127.0.0.1:9000/events'] },
      /eventTargets must be http\(s\) URLs, got '127.0.0.1:9000\/events'/,
    ],
    [{ faults: { rules: [{ throttle: { everyNth: 0 } }] } }, /everyNth must be a whole number of at least 1/],
    [{ delays: { changeSett: 1 } }, /Unknown delay "changeSett"/],
  ])('refuses %o before starting anything', async (options, message) => {
    await expect(startLocalCloud({ dynamodb: false, ...(options as LocalCloudOptions) })).rejects.toThrow(
      message,
    );
  });
});
