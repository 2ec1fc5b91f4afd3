import { describe, expect, it } from 'vitest';
import { createFetchTemplate } from '../../../../local/s3/fetch-template.ts';
import { createS3Store } from '../../../../local/s3/s3-store.ts';

const store = createS3Store();
store.createBucket('my-templates');
store.putObject('my-templates', 'stacks/web app.yaml', Buffer.from('Resources: {}'));
const fetchTemplate = createFetchTemplate(store);

describe('fetchTemplate', () => {
  it.each([
    ['the local path style', 'http://127.0.0.1:4566/my-templates/stacks/web%20app.yaml'],
    ['localhost', 'http://localhost:4566/my-templates/stacks/web%20app.yaml'],
    ['the global virtual-host style', 'https://my-templates.s3.amazonaws.com/stacks/web%20app.yaml'],
    [
      'the regional virtual-host style',
      'https://my-templates.s3.eu-west-1.amazonaws.com/stacks/web%20app.yaml',
    ],
    ['the legacy dash-region style', 'https://my-templates.s3-eu-west-1.amazonaws.com/stacks/web%20app.yaml'],
    ['the regional path style', 'https://s3.eu-west-1.amazonaws.com/my-templates/stacks/web%20app.yaml'],
  ])('reads %s from the local store', async (_name, url) => {
    await expect(fetchTemplate(url)).resolves.toBe('Resources: {}');
  });

  it.each([
    [
      'a host that is not S3',
      'https://example.com/my-templates/stacks/web.yaml',
      /TemplateURL must be a supported URL/,
    ],
    ['not a URL', 'stacks/web.yaml', /TemplateURL must be a supported URL/],
    ['a bucket without a key', 'http://127.0.0.1:4566/my-templates', /TemplateURL must be a supported URL/],
    ['a missing bucket', 'https://other.s3.amazonaws.com/stacks/web.yaml', /bucket does not exist/],
    ['a missing key', 'https://my-templates.s3.amazonaws.com/nope.yaml', /key does not exist/],
  ])('refuses %s with ValidationError', async (_name, url, message) => {
    await expect(fetchTemplate(url)).rejects.toThrow(message);
    await expect(fetchTemplate(url)).rejects.toMatchObject({ code: 'ValidationError', statusCode: 400 });
  });
});
