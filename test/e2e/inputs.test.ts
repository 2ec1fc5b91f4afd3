import {
  CloudFormationClient,
  DescribeChangeSetCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2e, REGION, settled, startE2e, template } from './support/e2e-harness.ts';

/** Values YAML or JSON would turn into numbers or booleans, and what CloudFormation must get. */
const WRITTEN = {
  Account: '012345678901',
  Version: '1.10',
  Enabled: 'true',
  Mask: '0x1F',
  Exponent: '1e3',
  Large: '12345678901234567890',
} as const;

const VALUES_TEMPLATE = [
  'Parameters:',
  ...Object.keys(WRITTEN).flatMap((name) => [`  ${name}:`, '    Type: String']),
  'Resources:',
  '  Queue:',
  '    Type: AWS::SQS::Queue',
  '',
].join('\n');

describe.concurrent('what a push says reaches CloudFormation as written', () => {
  let e2e: E2e;
  let cfn: CloudFormationClient;
  let s3: S3Client;
  beforeAll(async () => {
    e2e = await startE2e(['values', 'large']);
    cfn = new CloudFormationClient({ region: REGION, endpoint: e2e.host.cloudEndpoint });
    s3 = new S3Client({ region: REGION, endpoint: e2e.host.cloudEndpoint, forcePathStyle: true });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  const changeSetOf = async (stackName: string) => {
    const planned = await settled(e2e, stackName, ['AWAITING_APPROVAL', 'PLAN_FAILED']);
    expect(planned).toMatchObject({ status: 'AWAITING_APPROVAL' });
    const described = await cfn.send(
      new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: planned.changeSet!.id }),
    );
    return { planned, described };
  };
  const parametersOf = (described: { Parameters?: { ParameterKey?: string; ParameterValue?: string }[] }) =>
    Object.fromEntries((described.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));

  it('keeps unquoted parameter and tag values in converge.yaml and parameter files', async () => {
    const unquoted = Object.entries(WRITTEN).map(([name, value]) => `      ${name}: ${value}`);
    const pushed = await e2e.repository('values').push({
      'converge.yaml': [
        'version: 1',
        'defaults:',
        `  region: ${REGION}`,
        '  approval: { required: 1, autoApprove: never }',
        '  tags: { cost-centre: 0042 }',
        'stacks:',
        '  - name: written-inline',
        '    template: stacks/values.yaml',
        '    parameters:',
        ...unquoted,
        '    tags: { release: 1.10 }',
        '  - name: written-yaml-file',
        '    template: stacks/values.yaml',
        '    parameters: stacks/values.prod.yaml',
        '  - name: written-json-file',
        '    template: stacks/values.yaml',
        '    parameters: stacks/values.prod.json',
        '',
      ].join('\n'),
      'stacks/values.yaml': VALUES_TEMPLATE,
      'stacks/values.prod.yaml': `${unquoted.map((line) => line.trim()).join('\n')}\n`,
      // JSON: the account id is a string there; the rest are JSON numbers and booleans.
      'stacks/values.prod.json': `[${Object.entries(WRITTEN)
        .map(([name, value]) => {
          const json = name === 'Account' || name === 'Mask' ? JSON.stringify(value) : value;
          return `{ "ParameterKey": "${name}", "ParameterValue": ${json} }`;
        })
        .join(',\n ')}]\n`,
    });
    expect(pushed.status).toBe(202);

    const inline = await changeSetOf('written-inline');
    const yamlFile = await changeSetOf('written-yaml-file');
    const jsonFile = await changeSetOf('written-json-file');

    expect(parametersOf(inline.described)).toEqual(WRITTEN);
    expect(parametersOf(yamlFile.described)).toEqual(WRITTEN);
    expect(parametersOf(jsonFile.described)).toEqual(WRITTEN);
    expect(inline.described.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'cost-centre', Value: '0042' },
        { Key: 'release', Value: '1.10' },
      ]),
    );
  });

  it('plans a template over the 51,200-byte TemplateBody limit through S3', async () => {
    // About 200 KB: over what CloudFormation takes inline, under its 1 MB TemplateURL limit.
    const large = template('large', { extra: `Metadata:\n  Padding: ${'x'.repeat(200_000)}` });
    expect(Buffer.byteLength(large)).toBeGreaterThan(51_200);
    const pushed = await e2e.repository('large').push({
      'converge.yaml': [
        'version: 1',
        'defaults:',
        `  region: ${REGION}`,
        '  approval: { required: 1, autoApprove: never }',
        'stacks:',
        '  - name: large-template',
        '    template: stacks/large.yaml',
        '',
      ].join('\n'),
      'stacks/large.yaml': large,
    });
    expect(pushed.status).toBe(202);

    const { planned, described } = await changeSetOf('large-template');

    expect(described.Status).toBe('CREATE_COMPLETE');
    const bucket = e2e.host.environment.CONVERGE_ARTIFACT_BUCKET;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const key = listed.Contents?.map((object) => object.Key).find((k) =>
      k?.endsWith(`/${planned.id}.template`),
    );
    expect(key).toBeDefined();
    const uploaded = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await uploaded.Body?.transformToString()).toBe(large);
    const { TemplateBody } = await cfn.send(
      new GetTemplateCommand({ StackName: 'large-template', ChangeSetName: planned.changeSet!.id }),
    );
    expect(TemplateBody).toBe(large);
  });
});
