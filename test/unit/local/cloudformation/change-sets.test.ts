// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates use CloudFormation Fn::Sub syntax
import { describe, expect, it } from 'vitest';
import { emulatorHarness, failure, queueTemplate } from './emulator-harness.ts';

const body = (template: unknown) => JSON.stringify(template);

describe('CreateChangeSet / DescribeChangeSet', () => {
  it('creates a new stack in REVIEW_IN_PROGRESS and returns the change set and stack ids', async () => {
    const h = emulatorHarness();

    const created = await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: body(queueTemplate()),
    });

    expect(created.Id).toMatch(/^arn:aws:cloudformation:eu-west-1:123456789012:changeSet\/first\//);
    expect(created.StackId).toMatch(/^arn:aws:cloudformation:eu-west-1:123456789012:stack\/app\//);
    expect((await h.stack('app')).StackStatus).toBe('REVIEW_IN_PROGRESS');
  });

  it('moves CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE with execution AVAILABLE', async () => {
    const h = emulatorHarness({ delays: { changeSet: 30 } });
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: body(queueTemplate()),
    });
    const seen: string[] = [];

    await h.waitFor(
      async () => {
        const { Status, ExecutionStatus } = await h.cfn('DescribeChangeSet', {
          StackName: 'app',
          ChangeSetName: 'first',
        });
        if (seen.at(-1) !== Status) seen.push(Status);
        return { Status, ExecutionStatus };
      },
      (state) => state.Status === 'CREATE_COMPLETE',
      'change set',
    );

    expect(seen).toEqual(['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(
      (await h.cfn('DescribeChangeSet', { StackName: 'app', ChangeSetName: 'first' })).ExecutionStatus,
    ).toBe('AVAILABLE');
  });

  it('lists every resource of a new stack as Add', async () => {
    const h = emulatorHarness();
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: body(queueTemplate()),
    });

    const changeSet = await h.waitForChangeSet('app', 'first');

    expect(changeSet.Changes).toEqual([
      expect.objectContaining({
        Type: 'Resource',
        ResourceChange: expect.objectContaining({
          Action: 'Add',
          LogicalResourceId: 'Queue',
          ResourceType: 'AWS::SQS::Queue',
          Scope: [],
          Details: [],
        }),
      }),
    ]);
  });

  it('describes an in-place property change as Modify without replacement', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'update',
      TemplateBody: body(queueTemplate(60)),
    });

    const changeSet = await h.waitForChangeSet('app', 'update');

    expect(changeSet.Changes[0].ResourceChange).toMatchObject({
      Action: 'Modify',
      Replacement: 'False',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'VisibilityTimeout',
            RequiresRecreation: 'Never',
            BeforeValue: '30',
            AfterValue: '60',
          },
          Evaluation: 'Static',
          ChangeSource: 'DirectModification',
        },
      ],
    });
    expect(JSON.parse(changeSet.Changes[0].ResourceChange.BeforeContext)).toEqual({
      Properties: { VisibilityTimeout: 30 },
    });
    expect(JSON.parse(changeSet.Changes[0].ResourceChange.AfterContext)).toEqual({
      Properties: { VisibilityTimeout: 60 },
    });
  });

  it('leaves property values and contexts out unless IncludePropertyValues is set', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'update',
      TemplateBody: body(queueTemplate(60)),
    });
    await h.waitForChangeSet('app', 'update');

    const { Changes } = await h.cfn('DescribeChangeSet', { StackName: 'app', ChangeSetName: 'update' });

    expect(Changes[0].ResourceChange.BeforeContext).toBeUndefined();
    expect(Changes[0].ResourceChange.Details[0].Target).toEqual({
      Attribute: 'Properties',
      Name: 'VisibilityTimeout',
      RequiresRecreation: 'Never',
    });
  });

  it('marks a create-only property change as Replacement True with ReplaceAndDelete', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30, { QueueName: 'orders' }));
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'rename',
      TemplateBody: body(queueTemplate(30, { QueueName: 'orders-v2' })),
    });

    const change = (await h.waitForChangeSet('app', 'rename')).Changes[0].ResourceChange;

    expect(change).toMatchObject({ Action: 'Modify', Replacement: 'True', PolicyAction: 'ReplaceAndDelete' });
    expect(change.Details[0].Target).toMatchObject({ Name: 'QueueName', RequiresRecreation: 'Always' });
  });

  it('marks a reference to a replaced resource as a Dynamic change', async () => {
    const h = emulatorHarness();
    const template = (queueName: string) => ({
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: queueName } },
        Parameter: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { Ref: 'Queue' } } },
      },
    });
    await h.deploy('app', template('one'));
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'rename',
      TemplateBody: body(template('two')),
    });

    const changes = (await h.waitForChangeSet('app', 'rename')).Changes;
    const parameter = changes.find(
      (change: { ResourceChange: { LogicalResourceId: string } }) =>
        change.ResourceChange.LogicalResourceId === 'Parameter',
    );

    expect(parameter.ResourceChange.Details[0]).toMatchObject({
      Evaluation: 'Dynamic',
      ChangeSource: 'ResourceReference',
      CausingEntity: 'Queue',
      Target: { Name: 'Value', AfterValue: '{{changeSet:KNOWN_AFTER_APPLY}}' },
    });
  });

  it('names the parameter that causes a change', async () => {
    const h = emulatorHarness();
    const template = {
      Parameters: { Timeout: { Type: 'Number', Default: 30 } },
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: { Ref: 'Timeout' } } },
      },
    };
    await h.deploy('app', template);
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'slower',
      TemplateBody: body(template),
      Parameters: [{ ParameterKey: 'Timeout', ParameterValue: '60' }],
    });

    const detail = (await h.waitForChangeSet('app', 'slower')).Changes[0].ResourceChange.Details[0];

    expect(detail).toMatchObject({ ChangeSource: 'ParameterReference', CausingEntity: 'Timeout' });
  });

  it('lists a resource left out of the template as Remove with PolicyAction Delete', async () => {
    const h = emulatorHarness();
    await h.deploy('app', {
      Resources: { Queue: { Type: 'AWS::SQS::Queue' }, Topic: { Type: 'AWS::SNS::Topic' } },
    });
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'shrink',
      TemplateBody: body({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }),
    });

    const changes = (await h.waitForChangeSet('app', 'shrink')).Changes;

    expect(changes).toHaveLength(1);
    expect(changes[0].ResourceChange).toMatchObject({
      Action: 'Remove',
      LogicalResourceId: 'Topic',
      PolicyAction: 'Delete',
    });
  });

  it('fails an empty change set with the AWS reason', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate());
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'same',
      TemplateBody: body(queueTemplate()),
    });

    const changeSet = await h.waitForChangeSet('app', 'same');

    expect(changeSet).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
  });

  it('accepts a YAML template with short-form tags', async () => {
    const h = emulatorHarness();
    const yaml = [
      'Parameters:',
      '  Env: { Type: String, AllowedValues: [dev, prod] }',
      'Resources:',
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      '    Properties:',
      '      QueueName: !Sub "${AWS::StackName}-${Env}"',
      'Outputs:',
      '  Arn: { Value: !GetAtt Queue.Arn }',
    ].join('\n');

    const stack = await h.deploy('app', yaml, {
      Parameters: [{ ParameterKey: 'Env', ParameterValue: 'dev' }],
    });

    expect(stack.Outputs).toEqual([
      { OutputKey: 'Arn', OutputValue: 'arn:aws:sqs:eu-west-1:123456789012:app-dev' },
    ]);
  });

  it('reads a TemplateURL through fetchTemplate', async () => {
    const h = emulatorHarness({
      fetchTemplate: async (url) =>
        url.endsWith('/queue.json') ? body(queueTemplate()) : Promise.reject(new Error('404')),
    });

    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateURL: 'http://127.0.0.1/bucket/queue.json',
    });

    expect((await h.waitForChangeSet('app', 'first')).Status).toBe('CREATE_COMPLETE');
  });

  it('records RoleARN, Tags and Capabilities and shows NoEcho parameters masked', async () => {
    const h = emulatorHarness();
    const template = {
      Parameters: { Secret: { Type: 'String', NoEcho: true } },
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
    };

    const stack = await h.deploy('app', template, {
      Parameters: [{ ParameterKey: 'Secret', ParameterValue: 'hunter2' }],
      Capabilities: ['CAPABILITY_IAM'],
      Tags: [{ Key: 'team', Value: 'platform' }],
      RoleARN: 'arn:aws:iam::123456789012:role/cfn',
    });

    expect(stack).toMatchObject({
      RoleARN: 'arn:aws:iam::123456789012:role/cfn',
      Tags: [{ Key: 'team', Value: 'platform' }],
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [{ ParameterKey: 'Secret', ParameterValue: '****' }],
    });
  });

  it('keeps the previous value of a parameter with UsePreviousValue', async () => {
    const h = emulatorHarness();
    const template = (timeout: number) => ({
      Parameters: { Env: { Type: 'String' } },
      Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: timeout } } },
    });
    await h.deploy('app', template(30), { Parameters: [{ ParameterKey: 'Env', ParameterValue: 'prod' }] });

    const stack = await h.deploy('app', template(60), {
      Parameters: [{ ParameterKey: 'Env', UsePreviousValue: true }],
    });

    expect(stack.Parameters).toEqual([{ ParameterKey: 'Env', ParameterValue: 'prod' }]);
  });

  it('answers a repeated ClientToken with the change set already created', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));
    const request = {
      StackName: 'app',
      ChangeSetName: 'update',
      TemplateBody: body(queueTemplate(60)),
      ClientToken: 'token-1',
    };

    const first = await h.cfn('CreateChangeSet', request);
    const second = await h.cfn('CreateChangeSet', request);

    expect(second.Id).toBe(first.Id);
    expect(
      (await h.cfn('ListChangeSets', { StackName: 'app' })).Summaries.filter(
        (s: { ChangeSetName: string }) => s.ChangeSetName === 'update',
      ),
    ).toHaveLength(1);
  });
});

describe('CreateChangeSet errors', () => {
  it('refuses IAM resources without CAPABILITY_IAM and creates nothing', async () => {
    const h = emulatorHarness();
    const template = {
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
    };

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: body(template),
      }),
    );

    expect(error).toMatchObject({
      code: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
      statusCode: 400,
    });
    expect((await h.cfn('ListStacks', {})).StackSummaries).toEqual([]);
  });

  it('asks for CAPABILITY_NAMED_IAM when an IAM resource has a custom name', async () => {
    const h = emulatorHarness();
    const template = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'deployer', AssumeRolePolicyDocument: {} } },
      },
    };

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: body(template),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );

    expect(error.message).toBe('Requires capabilities : [CAPABILITY_NAMED_IAM]');
  });

  it.each([
    ['not a mapping', '[1, 2]', 'Template format error'],
    ['no resources', body({ Resources: {} }), 'Template format error: Resources'],
    [
      'an unknown intrinsic',
      body({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { X: { 'Fn::Nope': 1 } } } } }),
      'Unrecognized intrinsic function Fn::Nope',
    ],
    [
      'Fn::ImportValue',
      body({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { X: { 'Fn::ImportValue': 'x' } } } } }),
      'Fn::ImportValue is not supported',
    ],
    [
      'a Transform',
      body({ Transform: 'AWS::Serverless-2016-10-31', Resources: { Q: { Type: 'AWS::SQS::Queue' } } }),
      'Transform is not supported',
    ],
    [
      'an unknown GetAtt attribute',
      body({
        Resources: {
          Q: { Type: 'AWS::SQS::Queue' },
          P: { Type: 'AWS::SSM::Parameter', Properties: { Value: { 'Fn::GetAtt': ['Q', 'Nope'] } } },
        },
      }),
      'resource Q does not support attribute type Nope in Fn::GetAtt',
    ],
    [
      'a Ref to nothing',
      body({ Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { X: { Ref: 'Missing' } } } } }),
      'Unresolved resource dependencies [Missing]',
    ],
    [
      'a dependency cycle',
      body({
        Resources: {
          A: { Type: 'AWS::SQS::Queue', DependsOn: 'B' },
          B: { Type: 'AWS::SQS::Queue', DependsOn: 'A' },
        },
      }),
      'Circular dependency between resources',
    ],
  ])('rejects a template with %s as a ValidationError', async (_case, templateBody, message) => {
    const h = emulatorHarness();

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: templateBody,
      }),
    );

    expect(error.code).toBe('ValidationError');
    expect(error.message).toContain(message);
    expect((await h.cfn('ListStacks', {})).StackSummaries).toEqual([]);
  });

  it('rejects an output with an unknown GetAtt attribute before anything is created', async () => {
    const h = emulatorHarness();
    const template = {
      Resources: { Q: { Type: 'AWS::SQS::Queue' } },
      Outputs: { X: { Value: { 'Fn::GetAtt': ['Q', 'Nope'] } } },
    };

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateBody: body(template),
      }),
    );

    expect(error.message).toContain('resource Q does not support attribute type Nope in Fn::GetAtt');
  });

  it('rejects a stack name CloudFormation would not accept', async () => {
    const h = emulatorHarness();

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: '1-app',
        ChangeSetName: 'c',
        ChangeSetType: 'CREATE',
        TemplateBody: body(queueTemplate()),
      }),
    );

    expect(error.message).toContain("Value '1-app' at 'stackName' failed to satisfy constraint");
  });

  it('refuses an UPDATE change set for a stack that does not exist', async () => {
    const h = emulatorHarness();

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'ghost',
        ChangeSetName: 'u',
        TemplateBody: body(queueTemplate()),
      }),
    );

    expect(error).toMatchObject({ code: 'ValidationError', message: 'Stack [ghost] does not exist' });
  });

  it('refuses a CREATE change set for a stack that exists', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate());

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'again',
        ChangeSetType: 'CREATE',
        TemplateBody: body(queueTemplate(60)),
      }),
    );

    expect(error.message).toBe(
      'Stack [app] already exists and cannot be created again with the changeSet [again].',
    );
  });

  it('refuses a second change set with the same name', async () => {
    const h = emulatorHarness();
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: body(queueTemplate()),
    });

    const error = await failure(
      h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: body(queueTemplate()),
      }),
    );

    expect(error.code).toBe('AlreadyExistsException');
  });
});

describe('DescribeChangeSet, ListChangeSets, DeleteChangeSet errors and lifecycle', () => {
  it('answers ChangeSetNotFound (404) for an unknown change set', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate());

    const error = await failure(h.cfn('DescribeChangeSet', { StackName: 'app', ChangeSetName: 'nope' }));

    expect(error).toMatchObject({
      code: 'ChangeSetNotFound',
      message: 'ChangeSet [nope] does not exist',
      statusCode: 404,
    });
  });

  it('answers ValidationError "Stack with id X does not exist" for an unknown stack', async () => {
    const h = emulatorHarness();

    const error = await failure(h.cfn('DescribeStacks', { StackName: 'ghost' }));

    expect(error).toMatchObject({
      code: 'ValidationError',
      message: 'Stack with id ghost does not exist',
      statusCode: 400,
    });
  });

  it('lists and deletes change sets', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'update',
      TemplateBody: body(queueTemplate(60)),
    });
    await h.waitForChangeSet('app', 'update');

    await h.cfn('DeleteChangeSet', { StackName: 'app', ChangeSetName: 'update' });
    const { Summaries } = await h.cfn('ListChangeSets', { StackName: 'app' });

    expect(Summaries.map((summary: { ChangeSetName: string }) => summary.ChangeSetName)).toEqual(['cs-1']);
  });
});

describe('ExecuteChangeSet', () => {
  it('refuses to execute a change set twice', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate());

    const error = await failure(h.cfn('ExecuteChangeSet', { StackName: 'app', ChangeSetName: 'cs-1' }));

    expect(error).toMatchObject({ code: 'InvalidChangeSetStatus', statusCode: 400 });
    expect(error.message).toMatch(
      /cannot be executed in its current execution status of \[EXECUTE_COMPLETE\]$/,
    );
  });

  it('refuses to execute a change set that is still being created', async () => {
    const h = emulatorHarness({ delays: { changeSet: 50 } });
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: body(queueTemplate()),
    });

    const error = await failure(h.cfn('ExecuteChangeSet', { StackName: 'app', ChangeSetName: 'first' }));

    expect(error.code).toBe('InvalidChangeSetStatus');
    expect(error.message).toMatch(/cannot be executed in its current status of \[CREATE_PENDING\]$/);
  });

  it('refuses to execute an OBSOLETE change set after another one ran', async () => {
    const h = emulatorHarness();
    await h.deploy('app', queueTemplate(30));
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'late',
      TemplateBody: body(queueTemplate(90)),
    });
    await h.waitForChangeSet('app', 'late');
    await h.deploy('app', queueTemplate(60));

    const error = await failure(h.cfn('ExecuteChangeSet', { StackName: 'app', ChangeSetName: 'late' }));

    expect(error.message).toMatch(/current execution status of \[OBSOLETE\]$/);
  });

  it('treats a retry with the same ClientRequestToken as the same execution', async () => {
    const h = emulatorHarness();
    await h.cfn('CreateChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ChangeSetType: 'CREATE',
      TemplateBody: body(queueTemplate()),
    });
    await h.waitForChangeSet('app', 'first');

    await h.cfn('ExecuteChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ClientRequestToken: 'run-1',
    });
    await h.cfn('ExecuteChangeSet', {
      StackName: 'app',
      ChangeSetName: 'first',
      ClientRequestToken: 'run-1',
    });

    expect((await h.waitForStack('app')).StackStatus).toBe('CREATE_COMPLETE');
  });

  it('refuses to execute while the stack is being updated, and makes other change sets OBSOLETE', async () => {
    const h = emulatorHarness({ delays: { resource: 40 } });
    await h.deploy('app', queueTemplate(30));
    for (const [name, timeout] of [
      ['a', 60],
      ['b', 90],
    ] as const) {
      await h.cfn('CreateChangeSet', {
        StackName: 'app',
        ChangeSetName: name,
        TemplateBody: body(queueTemplate(timeout)),
      });
      await h.waitForChangeSet('app', name);
    }

    await h.cfn('ExecuteChangeSet', { StackName: 'app', ChangeSetName: 'a' });
    const error = await failure(h.cfn('ExecuteChangeSet', { StackName: 'app', ChangeSetName: 'b' }));

    expect(error.code).toBe('ValidationError');
    expect(error.message).toMatch(/is in UPDATE_IN_PROGRESS state and can not be updated\.$/);
    await h.waitForStack('app');
    expect((await h.cfn('DescribeChangeSet', { StackName: 'app', ChangeSetName: 'b' })).ExecutionStatus).toBe(
      'OBSOLETE',
    );
  });
});
