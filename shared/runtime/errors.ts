import { redactString } from './redaction.ts';

/** How an error is answered over HTTP: status, the `error` code and a message safe to show. */
export interface HttpErrorAnswer {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  /** A client error (4xx): the request was wrong, Converge was not. */
  readonly clientError: boolean;
  /** The refusal's named reason (`signature-invalid`, ...) when the error gives one. */
  readonly reason?: string;
}

/**
 * Maps any thrown value to an HTTP answer, the one place errors become status codes (as middy's
 * http-error-handler does). An error carries its own status: a typed error declares
 * `readonly statusCode = 401` (see `RequestRejectedError` in shared/ports), and middy's
 * `createError` errors do the same. A 4xx that is not marked `expose: false` keeps its name and
 * message; everything else becomes a 500 with a generic message, so no stack trace, SDK detail
 * or secret leaves the function. Messages are passed through redaction all the same.
 *
 * @example
 * httpErrorAnswer(new GithubWebhookSignatureInvalidError()); // { statusCode: 401, error: 'GithubWebhookSignatureInvalidError', ... }
 */
export function httpErrorAnswer(error: unknown, requestId?: string): HttpErrorAnswer {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    reason?: unknown;
  };
  const name = typeof shape.name === 'string' && shape.name !== 'Error' ? shape.name : undefined;
  const message = typeof shape.message === 'string' ? redactString(shape.message) : '';
  if (
    typeof shape.statusCode === 'number' &&
    Number.isInteger(shape.statusCode) &&
    shape.statusCode >= 400 &&
    shape.statusCode < 500 &&
    shape.expose !== false
  ) {
    return {
      statusCode: shape.statusCode,
      error: name ?? 'BadRequest',
      message,
      clientError: true,
      ...(typeof shape.reason === 'string' ? { reason: shape.reason } : {}),
    };
  }
  return {
    statusCode: 500,
    error: 'InternalError',
    message: `Converge could not handle the request; see the function logs${requestId ? ` for request ${requestId}` : ''}.`,
    clientError: false,
  };
}
