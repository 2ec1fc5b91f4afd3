import { randomBytes } from 'node:crypto';
import { templateError } from './template/template-error.ts';

/** Where a resource lives, for physical ids and ARNs. */
export interface ResourceLocation {
  readonly stackName: string;
  readonly logicalId: string;
  readonly region: string;
  readonly account: string;
}

/** How the local cloud models one resource type. */
export interface ResourceTypeModel {
  /** The property that names the resource; CloudFormation generates a name when it is absent. */
  readonly nameProperty?: string;
  /** Properties whose change requires replacement (create-only in the resource schema). */
  readonly createOnly: readonly string[];
  /** The Cloud Control primary identifier property, when the physical id is stored as one. */
  readonly identifierProperty?: string;
  /** Top-level properties the resource schema types as integers or booleans (parameters arrive as strings). */
  readonly typedProperties?: Readonly<Record<string, 'integer' | 'boolean'>>;
  /** Attributes for `Fn::GetAtt` and the read-only properties Cloud Control returns. */
  attributes(name: string, physicalId: string, where: ResourceLocation): Record<string, unknown>;
  /** The physical id (the `Ref` value) of a resource with this name. */
  physicalId(name: string, where: ResourceLocation): string;
  /** Generates the name CloudFormation gives an unnamed resource. */
  generateName(where: ResourceLocation, properties: Record<string, unknown>): string;
}

/**
 * Properties as the resource's service stores them: values the schema types as integers or
 * booleans become numbers and booleans (a `Ref` to a parameter gives a string).
 */
export function typedProperties(type: string, properties: Record<string, unknown>): Record<string, unknown> {
  const types = resourceTypeModel(type).typedProperties ?? {};
  const result = { ...properties };
  for (const [name, kind] of Object.entries(types)) {
    const value = result[name];
    if (typeof value !== 'string') continue;
    if (kind === 'integer' && /^-?\d+$/.test(value)) result[name] = Number(value);
    if (kind === 'boolean' && (value === 'true' || value === 'false')) result[name] = value === 'true';
  }
  return result;
}

/** A 13-character suffix like the one CloudFormation appends to generated names. */
export function randomSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(13)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function stackStyleName(where: ResourceLocation, max: number): string {
  const suffix = randomSuffix();
  const room = max - suffix.length - 2;
  const stack = where.stackName.slice(0, Math.ceil(room / 2));
  const logical = where.logicalId.slice(0, room - stack.length);
  return `${stack}-${logical}-${suffix}`;
}

const arn = (service: string, where: ResourceLocation, resource: string): string =>
  `arn:aws:${service}:${where.region}:${where.account}:${resource}`;

const byName = (name: string): string => name;

const MODELS: Record<string, ResourceTypeModel> = {
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    createOnly: ['BucketName', 'ObjectLockEnabled'],
    identifierProperty: 'BucketName',
    physicalId: byName,
    generateName: (where) => stackStyleName(where, 63).toLowerCase(),
    attributes: (name, _id, where) => ({
      Arn: `arn:aws:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${where.region}.amazonaws.com`,
      WebsiteURL: `http://${name}.s3-website-${where.region}.amazonaws.com`,
    }),
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    createOnly: ['QueueName', 'FifoQueue'],
    identifierProperty: 'QueueUrl',
    typedProperties: {
      DelaySeconds: 'integer',
      MaximumMessageSize: 'integer',
      MessageRetentionPeriod: 'integer',
      ReceiveMessageWaitTimeSeconds: 'integer',
      VisibilityTimeout: 'integer',
      KmsDataKeyReusePeriodSeconds: 'integer',
      FifoQueue: 'boolean',
      ContentBasedDeduplication: 'boolean',
      SqsManagedSseEnabled: 'boolean',
    },
    physicalId: (name, where) => `https://sqs.${where.region}.amazonaws.com/${where.account}/${name}`,
    generateName: (where, properties) => {
      const fifo = properties.FifoQueue === true || properties.FifoQueue === 'true';
      return fifo ? `${stackStyleName(where, 75)}.fifo` : stackStyleName(where, 80);
    },
    attributes: (name, id, where) => ({ Arn: arn('sqs', where, name), QueueName: name, QueueUrl: id }),
  },
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    createOnly: ['TableName', 'KeySchema'],
    identifierProperty: 'TableName',
    physicalId: byName,
    generateName: (where) => stackStyleName(where, 255),
    attributes: (name, _id, where) => ({
      Arn: arn('dynamodb', where, `table/${name}`),
      StreamArn: arn('dynamodb', where, `table/${name}/stream/1970-01-01T00:00:00.000`),
    }),
  },
  'AWS::SSM::Parameter': {
    nameProperty: 'Name',
    createOnly: ['Name'],
    identifierProperty: 'Name',
    physicalId: byName,
    generateName: (where) => `CFN-${where.logicalId}-${randomSuffix()}`,
    attributes: () => ({}),
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    createOnly: ['RoleName', 'Path'],
    identifierProperty: 'RoleName',
    typedProperties: { MaxSessionDuration: 'integer' },
    physicalId: byName,
    generateName: (where) => stackStyleName(where, 64),
    attributes: (name, _id, where) => ({
      Arn: `arn:aws:iam::${where.account}:role/${name}`,
      RoleId: `AROA${randomSuffix()}`,
    }),
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    createOnly: ['ManagedPolicyName', 'Path', 'Description'],
    identifierProperty: 'PolicyArn',
    physicalId: (name, where) => `arn:aws:iam::${where.account}:policy/${name}`,
    generateName: (where) => stackStyleName(where, 128),
    attributes: (_name, id) => ({ PolicyArn: id }),
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    createOnly: ['TopicName', 'FifoTopic'],
    identifierProperty: 'TopicArn',
    physicalId: (name, where) => arn('sns', where, name),
    generateName: (where) => stackStyleName(where, 256),
    attributes: (name, id) => ({ TopicArn: id, TopicName: name }),
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    createOnly: ['LogGroupName'],
    identifierProperty: 'LogGroupName',
    typedProperties: { RetentionInDays: 'integer' },
    physicalId: byName,
    generateName: (where) => stackStyleName(where, 512),
    attributes: (name, _id, where) => ({ Arn: arn('logs', where, `log-group:${name}:*`) }),
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    createOnly: ['FunctionName'],
    identifierProperty: 'FunctionName',
    typedProperties: { MemorySize: 'integer', Timeout: 'integer', ReservedConcurrentExecutions: 'integer' },
    physicalId: byName,
    generateName: (where) => stackStyleName(where, 64),
    attributes: (name, _id, where) => ({ Arn: arn('lambda', where, `function:${name}`) }),
  },
  'AWS::Events::Rule': {
    nameProperty: 'Name',
    createOnly: ['Name', 'EventBusName'],
    identifierProperty: 'Arn',
    physicalId: byName,
    generateName: (where) => stackStyleName(where, 64),
    attributes: (name, _id, where) => ({ Arn: arn('events', where, `rule/${name}`) }),
  },
};

const GENERIC: ResourceTypeModel = {
  createOnly: [],
  physicalId: byName,
  generateName: (where) => stackStyleName(where, 128),
  attributes: () => ({}),
};

/** Types CloudFormation does not check for drift; their resources report NOT_CHECKED. */
const NOT_DRIFT_CHECKED = new Set([
  'AWS::CloudFormation::WaitConditionHandle',
  'AWS::CloudFormation::WaitCondition',
  'AWS::CloudFormation::CustomResource',
  'AWS::CloudFormation::Stack',
]);

/** IAM resource types that need CAPABILITY_IAM, and the property that makes them named. */
const IAM_TYPES: Record<string, string | undefined> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::UserToGroupAddition': undefined,
};

/** True for custom resources (`Custom::X`, `AWS::CloudFormation::CustomResource`). */
export function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** The model of a resource type; types without an entry get a generic one. */
export function resourceTypeModel(type: string): ResourceTypeModel {
  return MODELS[type] ?? GENERIC;
}

/** True when drift detection checks resources of this type. */
export function supportsDriftDetection(type: string): boolean {
  return !NOT_DRIFT_CHECKED.has(type) && !isCustomResource(type);
}

/** The capability an IAM resource needs, or `undefined` for other types. */
export function requiredCapability(type: string, properties: unknown): string | undefined {
  if (!Object.hasOwn(IAM_TYPES, type)) return undefined;
  const nameProperty = IAM_TYPES[type];
  const named =
    nameProperty !== undefined &&
    properties !== null &&
    typeof properties === 'object' &&
    Object.hasOwn(properties, nameProperty);
  return named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM';
}

/**
 * The `Fn::GetAtt` value of `attribute`, from the attributes a resource got when created.
 *
 * @throws AwsServiceError `ValidationError` when the type has no such attribute.
 */
export function attributeValue(
  logicalId: string,
  type: string,
  attributes: Readonly<Record<string, unknown>>,
  attribute: string,
): unknown {
  if (isCustomResource(type)) {
    throw templateError(
      `Fn::GetAtt of custom resource ${logicalId} is not supported by Converge's local cloud (custom resources are not invoked).`,
    );
  }
  if (!Object.hasOwn(attributes, attribute)) {
    throw templateError(`resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`);
  }
  return attributes[attribute];
}

/** The attribute names a type knows, to check `Fn::GetAtt` before the resource exists. */
export function knownAttributes(type: string): readonly string[] {
  const sample: ResourceLocation = { stackName: 's', logicalId: 'l', region: 'r', account: '0' };
  return Object.keys(resourceTypeModel(type).attributes('n', 'n', sample));
}
