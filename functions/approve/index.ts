import { lambdaEntry } from '../../shared/runtime/lambda-entry.ts';

/** The Lambda entry: the handler, its use cases and adapters load on the first invocation. */
export const handler = lambdaEntry({ functionName: 'approve', http: true }, async () => {
  const [{ approveHandler }, { deps }] = await Promise.all([
    import('./handler.ts'),
    import('../../shared/runtime/deps.ts'),
  ]);
  return approveHandler(deps());
});
