import { element } from './encode-xml-value.ts';
import { escapeXml } from './escape-xml.ts';
import type { AwsServiceError, ServiceOutput } from './service.ts';

/** An encoded HTTP answer: status, headers and body. */
export interface EncodedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * Encodes a Query protocol answer:
 * `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>`.
 */
export function encodeQueryResponse(
  action: string,
  xmlNamespace: string,
  output: ServiceOutput,
  requestId: string,
  options: { withoutOutput?: boolean } = {},
): EncodedResponse {
  // Operations without an output shape (DeleteStack) answer with no Result element, as AWS
  // does; an output shape with no members (ExecuteChangeSet) still gets an empty one.
  const result = options.withoutOutput ? '' : element(`${action}Result`, output);
  const body =
    `${XML_DECLARATION}<${action}Response xmlns="${escapeXml(xmlNamespace)}">${result}` +
    `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata></${action}Response>\n`;
  return { statusCode: 200, headers: xmlHeaders(requestId), body };
}

/**
 * Encodes a Query protocol error:
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with the error's status.
 */
export function encodeQueryError(
  error: AwsServiceError,
  xmlNamespace: string | undefined,
  requestId: string,
): EncodedResponse {
  const namespace = xmlNamespace ? ` xmlns="${escapeXml(xmlNamespace)}"` : '';
  const body =
    `${XML_DECLARATION}<ErrorResponse${namespace}><Error>${element('Type', error.fault)}` +
    `${element('Code', error.code)}${element('Message', error.message)}</Error>` +
    `${element('RequestId', requestId)}</ErrorResponse>\n`;
  return { statusCode: error.statusCode, headers: xmlHeaders(requestId), body };
}

function xmlHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
}
