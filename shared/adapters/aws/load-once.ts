/**
 * A value made on the first call and shared by every later one (concurrent first calls share one
 * promise); a failed attempt is forgotten, so the next call tries again.
 *
 * The AWS adapters load their SDK package and make their client with it, so importing an adapter
 * costs nothing until it first calls AWS. That matters in a function bundle: the bundles leave
 * `@aws-sdk/*` to the Lambda runtime, and esbuild hoists a static import of an external package
 * to the top of the one output file, so a static import would load the SDK at cold start in every
 * function, used or not. An `import()` stays where it is.
 *
 * @example
 * const sqs = loadOnce(() => import('@aws-sdk/client-sqs'));
 * const client = loadOnce(async () => options.client ?? new (await sqs()).SQSClient({}));
 * const { SendMessageCommand } = await sqs();
 * await (await client()).send(new SendMessageCommand(input));
 */
export function loadOnce<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return function loadShared(): Promise<T> {
    if (pending) return pending;
    const attempt = make();
    pending = attempt;
    attempt.catch(() => {
      if (pending === attempt) pending = undefined;
    });
    return attempt;
  };
}
