import { redactString } from './redaction.ts';

/**
 * What went wrong, in words the edge can map to a status code. Typed errors anywhere in
 * Converge declare `readonly kind = ErrorKind.X` (a plain field, so domain code needs no
 * import from here); only the HTTP error middleware turns a kind into a status code.
 *
 * @example
 * export class WebhookSignatureInvalidError extends Error {
 *   readonly kind = 'unauthorized';
 *   constructor() { super('The X-Hub-Signature-256 header does not match the body; check the webhook secret'); this.name = 'WebhookSignatureInvalidError'; }
 * }
 */
export const ErrorKind = {
  /** Malformed or unacceptable input: 400. */
  INVALID_INPUT: 'invalid-input',
  /** Missing or wrong signature / credentials: 401. */
  UNAUTHORIZED: 'unauthorized',
  /** Authenticated but not allowed (e.g. not an approver): 403. */
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not-found',
  /** The state moved on (lost race, already decided): 409. */
  CONFLICT: 'conflict',
  /** Body over the size limit: 413. */
  TOO_LARGE: 'too-large',
  /** Media type Converge does not read: 415. */
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  /** A dependency is down or throttling; the caller may retry: 503. */
  UNAVAILABLE: 'unavailable',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

const STATUS: Record<ErrorKind, number> = {
  'invalid-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  unavailable: 503,
};

/** How an error is answered over HTTP: status, the `error` code and a message safe to show. */
export interface HttpErrorAnswer {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  /** A client error (4xx): the request was wrong, Converge was not. */
  readonly clientError: boolean;
}

/**
 * Maps any thrown value to an HTTP answer. Typed errors with a known `kind` (or middy's
 * `createError` errors with an exposed 4xx `statusCode`) keep their name and message;
 * everything else becomes a 500 with a generic message, so no stack trace, SDK detail or
 * secret leaves the function. Messages are passed through redaction all the same.
 */
export function httpErrorAnswer(error: unknown, requestId?: string): HttpErrorAnswer {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    kind?: unknown;
    name?: unknown;
    message?: unknown;
    statusCode?: unknown;
    expose?: unknown;
  };
  const name = typeof shape.name === 'string' && shape.name !== 'Error' ? shape.name : undefined;
  const message = typeof shape.message === 'string' ? redactString(shape.message) : '';
  if (typeof shape.kind === 'string' && Object.hasOwn(STATUS, shape.kind)) {
    const statusCode = STATUS[shape.kind as ErrorKind];
    return { statusCode, error: name ?? shape.kind, message, clientError: statusCode < 500 };
  }
  if (
    typeof shape.statusCode === 'number' &&
    shape.statusCode >= 400 &&
    shape.statusCode < 500 &&
    shape.expose !== false
  ) {
    return { statusCode: shape.statusCode, error: name ?? 'BadRequest', message, clientError: true };
  }
  return {
    statusCode: 500,
    error: 'InternalError',
    message: `Converge could not handle the request; see the function logs${requestId ? ` for request ${requestId}` : ''}.`,
    clientError: false,
  };
}
