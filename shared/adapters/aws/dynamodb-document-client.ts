import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadOnce } from './load-once.ts';

/** `@aws-sdk/lib-dynamodb` (its commands and DocumentClient), loaded on first use; see {@link loadOnce}. */
export const libDynamoDb = loadOnce(() => import('@aws-sdk/lib-dynamodb'));

/**
 * The DocumentClient of a DynamoDB adapter, made on first use: the one given, the DynamoDBClient
 * given wrapped in one, or one configured from the environment (region, credentials,
 * `AWS_ENDPOINT_URL_DYNAMODB`). Undefined attributes are dropped, as DynamoDB cannot store them.
 *
 * @example
 * const client = lazyDocumentClient(options.client);
 * const { GetCommand } = await libDynamoDb();
 * const { Item } = await (await client()).send(new GetCommand({ TableName, Key }));
 */
export function lazyDocumentClient(
  given?: DynamoDBDocumentClient | DynamoDBClient,
): () => Promise<DynamoDBDocumentClient> {
  return loadOnce(async () => {
    const { DynamoDBDocumentClient } = await libDynamoDb();
    if (given instanceof DynamoDBDocumentClient) return given;
    const client = given ?? new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({});
    return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  });
}
