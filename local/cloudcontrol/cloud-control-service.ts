import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AwsServiceError,
  type JsonProtocolService,
  type RequestContext,
  type ServiceInput,
  type ServiceOutput,
} from '../cloud/service.ts';
import type { EmulatorState } from '../cloudformation/emulator-state.ts';
import { resourceTypeModel } from '../cloudformation/resource-types.ts';
import { applyJsonPatch, type JsonPatchOperation } from './apply-json-patch.ts';

/** A Cloud Control resource request, as GetResourceRequestStatus reports it. */
interface ProgressEvent {
  TypeName: string;
  Identifier: string;
  RequestToken: string;
  Operation: 'UPDATE' | 'DELETE';
  OperationStatus: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED';
  EventTime: Date;
  ResourceModel?: string;
  StatusMessage?: string;
  ErrorCode?: string;
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidRequestException', message);
}

function required(input: ServiceInput, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') throw invalid(`${member} is required.`);
  return value;
}

function typeName(input: ServiceInput): string {
  const name = required(input, 'TypeName');
  if (!/^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$/.test(name)) {
    throw new AwsServiceError('TypeNotFoundException', `The type ${name} cannot be found.`);
  }
  return name;
}

/**
 * The Cloud Control API (JSON 1.0, `CloudApiService`) over the local cloud's resources:
 * reads, JSON-Patch updates and deletes act on the same resources CloudFormation stacks
 * own, which is how users and tests make drift.
 */
export class CloudControlService implements JsonProtocolService {
  readonly protocol = 'json' as const;
  readonly signingName = 'cloudcontrolapi';
  readonly targetPrefix = 'CloudApiService';
  readonly jsonVersion = '1.0' as const;
  private readonly requests = new Map<string, ProgressEvent>();
  private readonly byClientToken = new Map<string, string>();

  constructor(private readonly state: EmulatorState) {}

  async handle(operation: string, input: ServiceInput, _context: RequestContext): Promise<ServiceOutput> {
    switch (operation) {
      case 'GetResource':
        return this.getResource(input);
      case 'ListResources':
        return this.listResources(input);
      case 'UpdateResource':
        return this.updateResource(input);
      case 'DeleteResource':
        return this.deleteResource(input);
      case 'GetResourceRequestStatus':
        return this.getResourceRequestStatus(input);
      default:
        throw new AwsServiceError(
          'UnsupportedActionException',
          `${operation} is not emulated by Converge's local cloud (see local/cloudformation/README.md).`,
        );
    }
  }

  private live(type: string, identifier: string) {
    const resource = this.state.registry.get(type, identifier);
    if (!resource) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Resource of type '${type}' with identifier '${identifier}' was not found.`,
      );
    }
    return resource;
  }

  private getResource(input: ServiceInput): ServiceOutput {
    const type = typeName(input);
    const resource = this.live(type, required(input, 'Identifier'));
    return {
      TypeName: type,
      ResourceDescription: {
        Identifier: resource.identifier,
        Properties: JSON.stringify(resource.properties),
      },
    };
  }

  private listResources(input: ServiceInput): ServiceOutput {
    const type = typeName(input);
    const all = this.state.registry.list(type);
    const size = input.MaxResults === undefined ? 100 : Number(input.MaxResults);
    const start =
      input.NextToken === undefined
        ? 0
        : Number(Buffer.from(String(input.NextToken), 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0)
      throw invalid('NextToken is not valid; pass the token a previous call returned.');
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
    return {
      TypeName: type,
      ResourceDescriptions: page.map((resource) => ({
        Identifier: resource.identifier,
        Properties: JSON.stringify(resource.properties),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  private updateResource(input: ServiceInput): ServiceOutput {
    const type = typeName(input);
    const identifier = required(input, 'Identifier');
    const repeated = this.repeated(input);
    if (repeated) return repeated;
    const resource = this.live(type, identifier);
    let patch: JsonPatchOperation[];
    try {
      patch = JSON.parse(required(input, 'PatchDocument')) as JsonPatchOperation[];
      if (!Array.isArray(patch)) throw new Error('not a list');
    } catch {
      throw invalid('PatchDocument must be a JSON Patch document (RFC 6902): a JSON list of operations.');
    }
    const model = resourceTypeModel(type);
    const fixed = new Set([
      ...model.createOnly,
      ...(model.identifierProperty ? [model.identifierProperty] : []),
    ]);
    for (const operation of patch) {
      const top = String(operation?.path ?? '').split('/')[1] ?? '';
      if (fixed.has(top)) {
        throw new AwsServiceError(
          'NotUpdatableException',
          `Invalid patch update: createOnlyProperties [/properties/${top}] cannot be updated`,
        );
      }
    }
    let updated: Record<string, unknown>;
    try {
      updated = applyJsonPatch(resource.properties, patch);
    } catch (error) {
      throw invalid(
        `PatchDocument cannot be applied: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return this.track(input, type, identifier, 'UPDATE', () => {
      const current = this.state.registry.get(type, identifier);
      if (!current) return `Resource of type '${type}' with identifier '${identifier}' was not found.`;
      current.properties = updated;
      return undefined;
    });
  }

  private deleteResource(input: ServiceInput): ServiceOutput {
    const type = typeName(input);
    const identifier = required(input, 'Identifier');
    const repeated = this.repeated(input);
    if (repeated) return repeated;
    this.live(type, identifier);
    return this.track(input, type, identifier, 'DELETE', () =>
      this.state.registry.delete(type, identifier)
        ? undefined
        : `Resource of type '${type}' with identifier '${identifier}' was not found.`,
    );
  }

  private getResourceRequestStatus(input: ServiceInput): ServiceOutput {
    const token = required(input, 'RequestToken');
    const event = this.requests.get(token);
    if (!event)
      throw new AwsServiceError(
        'RequestTokenNotFoundException',
        `Request with token ${token} was not found.`,
      );
    return { ProgressEvent: { ...event } };
  }

  private repeated(input: ServiceInput): ServiceOutput | undefined {
    const clientToken = typeof input.ClientToken === 'string' ? input.ClientToken : undefined;
    const known = clientToken ? this.byClientToken.get(clientToken) : undefined;
    return known ? { ProgressEvent: { ...this.requests.get(known)! } } : undefined;
  }

  /** Records a request IN_PROGRESS and applies it after the configured delay. */
  private track(
    input: ServiceInput,
    type: string,
    identifier: string,
    operation: ProgressEvent['Operation'],
    apply: () => string | undefined,
  ): ServiceOutput {
    const event: ProgressEvent = {
      TypeName: type,
      Identifier: identifier,
      RequestToken: randomUUID(),
      Operation: operation,
      OperationStatus: 'IN_PROGRESS',
      EventTime: this.state.now(),
    };
    this.requests.set(event.RequestToken, event);
    if (typeof input.ClientToken === 'string') this.byClientToken.set(input.ClientToken, event.RequestToken);
    this.state.background(async () => {
      await sleep(this.state.delays.cloudControl);
      const failure = apply();
      event.EventTime = this.state.now();
      if (failure) {
        event.OperationStatus = 'FAILED';
        event.ErrorCode = 'NotFound';
        event.StatusMessage = failure;
        return;
      }
      event.OperationStatus = 'SUCCESS';
      const current = this.state.registry.get(type, identifier);
      if (current) event.ResourceModel = JSON.stringify(current.properties);
    });
    return { ProgressEvent: { ...event } };
  }
}
