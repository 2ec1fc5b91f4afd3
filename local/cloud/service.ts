/**
 * The seam between the local cloud's wire layer (HTTP, SigV4 routing, protocol codecs,
 * faults) and its emulated services (CloudFormation, Cloud Control, ...). A service sees
 * decoded input objects shaped like the AWS SDK's (`StackName`, `Parameters: [...]`) and
 * returns output objects of the same shape; the wire layer encodes them for its protocol.
 */

/** An AWS error as the service would return it: code, message, HTTP status, fault side. */
export class AwsServiceError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly fault: 'Sender' | 'Receiver';
  constructor(
    code: string,
    message: string,
    options: { statusCode?: number; fault?: 'Sender' | 'Receiver' } = {},
  ) {
    super(message);
    this.name = 'AwsServiceError';
    this.code = code;
    this.statusCode = options.statusCode ?? 400;
    this.fault = options.fault ?? (this.statusCode >= 500 ? 'Receiver' : 'Sender');
  }
}

export type ServiceInput = Record<string, unknown>;
export type ServiceOutput = Record<string, unknown>;

/** What every request carries besides its input. */
export interface RequestContext {
  readonly requestId: string;
  readonly region: string;
  /** The access key id from the SigV4 credential scope; the local cloud accepts any. */
  readonly accessKeyId: string;
}

/**
 * A service spoken over the AWS Query protocol (form-encoded `Action=...`, XML answers),
 * like CloudFormation. Lists in input arrive as arrays (`Parameters.member.1.ParameterKey`
 * decoded), and arrays in output are encoded as `<member>` elements.
 */
export interface QueryProtocolService {
  readonly protocol: 'query';
  /** SigV4 signing name, e.g. `cloudformation`. */
  readonly signingName: string;
  /** API version, e.g. `2010-05-15`; also the XML namespace suffix. */
  readonly version: string;
  readonly xmlNamespace: string;
  /**
   * Optional types of input members by member name (`{ TimeoutInMinutes: 'number' }`), so
   * the Query codec hands the service numbers, booleans, dates and empty lists; members not
   * named stay strings. Output needs no hints: the codec encodes what it is given, and a
   * `Map` is encoded as a Query map (`<entry><key/><value/></entry>`).
   */
  readonly inputTypes?: Readonly<Record<string, QueryInputType>>;
  /**
   * Actions that have no output shape at all (CloudFormation's DeleteStack): AWS answers them
   * without a `<ActionResult>` element. Every other action gets one, even when empty, because
   * clients such as botocore look it up by name.
   */
  readonly actionsWithoutOutput?: ReadonlySet<string>;
  handle(action: string, input: ServiceInput, context: RequestContext): Promise<ServiceOutput>;
}

/** A service spoken over AWS JSON 1.0 / 1.1 (`X-Amz-Target: Prefix.Operation`), like Cloud Control. */
export interface JsonProtocolService {
  readonly protocol: 'json';
  readonly signingName: string;
  /** The `X-Amz-Target` prefix, e.g. `CloudApiService`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
  handle(operation: string, input: ServiceInput, context: RequestContext): Promise<ServiceOutput>;
}

export type LocalService = QueryProtocolService | JsonProtocolService;

/** EventBridge-shaped event, as AWS delivers it to rules and targets. */
export interface CloudEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** Where emulated services publish events; the wire layer fans them out to subscribers. */
export type PublishEvent = (event: CloudEvent) => void;

/**
 * How the Query codec should read a member whose wire form is a plain string: the protocol
 * carries no types, so `DisableRollback=true` stays `'true'` unless the service names it.
 * `list`/`map` turn the empty-collection form (`Capabilities=`) into `[]`/`{}`.
 */
export type QueryInputType = 'boolean' | 'number' | 'timestamp' | 'list' | 'map';
