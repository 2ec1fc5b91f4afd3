/** Octokit's `RequestError` (named `HttpError`) with this HTTP status; checked by shape, not by class identity. */
export function isHttpStatus(error: unknown, status: number): error is Error & { status: number } {
  return (
    error instanceof Error && error.name === 'HttpError' && (error as { status?: unknown }).status === status
  );
}
