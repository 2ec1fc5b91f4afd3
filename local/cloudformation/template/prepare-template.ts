import { type EvaluationScope, evaluateIntrinsics, intrinsicName } from './evaluate-intrinsics.ts';
import { parseTemplateDocument, type TemplateDocument } from './parse-template-document.ts';
import {
  type ParameterInput,
  parameterReferenceValue,
  type ResolvedParameters,
  resolveParameters,
} from './resolve-parameters.ts';
import { templateError, templateFormatError } from './template-error.ts';
import { NO_VALUE } from './unresolved.ts';

/** A resource declaration of the template (after conditions). */
export interface ResourceDeclaration {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly dependsOn: readonly string[];
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  readonly metadata?: unknown;
}

/** Identity of the stack a template is evaluated for (pseudo parameters). */
export interface StackIdentity {
  readonly stackName: string;
  readonly stackId: string;
  readonly region: string;
  readonly account: string;
}

/** How resource references resolve: to live values, or `Unresolved` when not known yet. */
export interface ResourceLookup {
  ref(logicalId: string): unknown;
  attribute(logicalId: string, attribute: string): unknown;
}

/** A template ready to evaluate: parameters resolved, conditions known, resources ordered. */
export interface PreparedTemplate {
  readonly body: string;
  readonly document: TemplateDocument;
  readonly description?: string;
  readonly parameters: ResolvedParameters;
  /** Resources whose condition holds, in creation order (dependencies first). */
  readonly resources: readonly ResourceDeclaration[];
  evaluateProperties(resource: ResourceDeclaration, lookup: ResourceLookup): Record<string, unknown>;
  evaluateOutputs(
    lookup: ResourceLookup,
  ): Array<{ OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }>;
}

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
]);

function section(document: TemplateDocument, name: string): Record<string, unknown> {
  const value = document[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw templateFormatError(`${name} must be a mapping.`);
  return value as Record<string, unknown>;
}

/**
 * Parses and prepares a template for one stack: checks its structure, resolves parameters,
 * evaluates conditions and orders resources by `DependsOn` and references.
 *
 * @throws AwsServiceError `ValidationError` for a template or parameters CloudFormation rejects.
 */
export function prepareTemplate(
  body: string,
  parameterInputs: readonly ParameterInput[],
  previousParameters: ResolvedParameters | undefined,
  identity: StackIdentity,
): PreparedTemplate {
  const document = parseTemplateDocument(body);
  for (const key of Object.keys(document)) {
    if (!SECTIONS.has(key)) throw templateFormatError(`Invalid template property or properties [${key}]`);
  }
  if (document.Transform !== undefined) {
    throw templateError(
      "Transform is not supported by Converge's local cloud; deploy the processed template.",
    );
  }
  const declared = section(document, 'Resources');
  if (Object.keys(declared).length === 0)
    throw templateFormatError('At least one Resources member must be defined.');
  const parameters = resolveParameters(section(document, 'Parameters'), parameterInputs, previousParameters);
  const references: Record<string, unknown> = {
    'AWS::Region': identity.region,
    'AWS::AccountId': identity.account,
    'AWS::StackName': identity.stackName,
    'AWS::StackId': identity.stackId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': [],
  };
  for (const [name, parameter] of Object.entries(parameters))
    references[name] = parameterReferenceValue(parameter);

  const conditionBodies = section(document, 'Conditions');
  const conditionValues = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const noResources: EvaluationScope['resourceRef'] = (id) => {
    throw templateError(`Conditions cannot refer to resource ${id}.`);
  };
  const scopeFor = (lookup?: ResourceLookup): EvaluationScope => ({
    references,
    mappings: section(document, 'Mappings'),
    region: identity.region,
    condition,
    isResource: (id) => Object.hasOwn(declared, id),
    resourceRef: lookup ? (id) => lookup.ref(id) : noResources,
    resourceAttribute: lookup ? (id, attribute) => lookup.attribute(id, attribute) : noResources,
  });
  function condition(name: string): boolean {
    const known = conditionValues.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(conditionBodies, name)) throw templateError(`Unresolved condition dependency ${name}`);
    if (evaluating.has(name)) throw templateError(`Circular condition dependency: ${name}`);
    evaluating.add(name);
    const value = evaluateIntrinsics(conditionBodies[name], scopeFor());
    evaluating.delete(name);
    if (typeof value !== 'boolean') throw templateError(`Condition ${name} must evaluate to true or false.`);
    conditionValues.set(name, value);
    return value;
  }
  for (const name of Object.keys(conditionBodies)) condition(name);

  const active: ResourceDeclaration[] = [];
  for (const [logicalId, raw] of Object.entries(declared)) {
    if (!/^[A-Za-z0-9]+$/.test(logicalId))
      throw templateFormatError(`Resource name ${logicalId} is non alphanumeric.`);
    const resource = (raw ?? {}) as Record<string, unknown>;
    if (typeof resource.Type !== 'string') {
      throw templateFormatError(`[/Resources/${logicalId}] resource definition is missing a Type.`);
    }
    if (typeof resource.Condition === 'string' && !condition(resource.Condition)) continue;
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat().map(String);
    for (const dependency of dependsOn) {
      if (!Object.hasOwn(declared, dependency)) {
        throw templateFormatError(
          `Unresolved resource dependencies [${dependency}] in the Resources block of the template`,
        );
      }
    }
    active.push({
      logicalId,
      type: resource.Type,
      properties: (resource.Properties ?? {}) as Record<string, unknown>,
      dependsOn,
      deletionPolicy: resource.DeletionPolicy as string | undefined,
      updateReplacePolicy: resource.UpdateReplacePolicy as string | undefined,
      metadata: resource.Metadata,
    });
  }
  const ordered = orderResources(active, new Set(Object.keys(declared)));

  return {
    body,
    document,
    description: typeof document.Description === 'string' ? document.Description : undefined,
    parameters,
    resources: ordered,
    evaluateProperties(resource, lookup) {
      const scope = scopeFor(lookup);
      const value = evaluateIntrinsics(resource.properties, scope);
      return value === NO_VALUE ? {} : (value as Record<string, unknown>);
    },
    evaluateOutputs(lookup) {
      const outputs = [];
      for (const [key, raw] of Object.entries(section(document, 'Outputs'))) {
        const output = (raw ?? {}) as Record<string, unknown>;
        if (typeof output.Condition === 'string' && !condition(output.Condition)) continue;
        const scope = scopeFor(lookup);
        const value = evaluateIntrinsics(output.Value, scope);
        const exportName = output.Export
          ? evaluateIntrinsics((output.Export as Record<string, unknown>).Name, scope)
          : undefined;
        outputs.push({
          OutputKey: key,
          OutputValue: Array.isArray(value) ? value.join(',') : String(value),
          ...(typeof output.Description === 'string' ? { Description: output.Description } : {}),
          ...(exportName !== undefined ? { ExportName: String(exportName) } : {}),
        });
      }
      return outputs;
    },
  };
}

/** Resource logical ids a raw template value refers to (Ref, Fn::GetAtt, Fn::Sub). */
export function referencedResources(
  value: unknown,
  resourceIds: ReadonlySet<string>,
  found = new Set<string>(),
): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedResources(item, resourceIds, found);
    return found;
  }
  if (value === null || typeof value !== 'object') return found;
  const name = intrinsicName(value);
  const argument = name ? (value as Record<string, unknown>)[name] : undefined;
  if (name === 'Ref' && typeof argument === 'string' && resourceIds.has(argument)) found.add(argument);
  if (name === 'Fn::GetAtt') {
    const target =
      typeof argument === 'string'
        ? argument.split('.')[0]
        : Array.isArray(argument)
          ? argument[0]
          : undefined;
    if (typeof target === 'string' && resourceIds.has(target)) found.add(target);
  }
  if (name === 'Fn::Sub') {
    const text = Array.isArray(argument) ? argument[0] : argument;
    if (typeof text === 'string') {
      for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const target = match[1]!.trim().split('.')[0]!;
        if (resourceIds.has(target)) found.add(target);
      }
    }
  }
  for (const item of Object.values(value)) referencedResources(item, resourceIds, found);
  return found;
}

function orderResources(
  resources: ResourceDeclaration[],
  declaredIds: ReadonlySet<string>,
): ResourceDeclaration[] {
  const byId = new Map(resources.map((resource) => [resource.logicalId, resource]));
  const ordered: ResourceDeclaration[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (resource: ResourceDeclaration, path: string[]): void => {
    const seen = state.get(resource.logicalId);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = path.slice(path.indexOf(resource.logicalId));
      throw templateFormatError(`Circular dependency between resources: [${cycle.join(', ')}]`);
    }
    state.set(resource.logicalId, 'visiting');
    const dependencies = new Set([
      ...resource.dependsOn,
      ...referencedResources(resource.properties, declaredIds),
    ]);
    for (const dependency of dependencies) {
      const target = byId.get(dependency);
      if (target) visit(target, [...path, resource.logicalId]);
    }
    state.set(resource.logicalId, 'done');
    ordered.push(resource);
  };
  for (const resource of resources) visit(resource, []);
  return ordered;
}
