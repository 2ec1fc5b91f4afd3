/**
 * Base of every refusal of a request at the HTTP edge (bad signature, stale, malformed, too
 * large). It carries the status it is answered with, as middy's http-errors do, and a named
 * `reason` for the `RequestsRejected` metric; none carries the body, a signature or a secret.
 * Nothing is written to the table for a rejected request.
 *
 * @example
 * class SignatureInvalidError extends RequestRejectedError {
 *   readonly reason = 'signature-invalid';
 *   readonly statusCode = 401;
 * }
 */
export abstract class RequestRejectedError extends Error {
  abstract readonly reason: string;
  abstract readonly statusCode: 400 | 401 | 403 | 405 | 413 | 415;
}
