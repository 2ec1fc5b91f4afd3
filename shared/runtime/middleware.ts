import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj, Request } from '@middy/core';
import { loadOnce } from '../adapters/aws/load-once.ts';
import { httpErrorAnswer } from './errors.ts';
import {
  createTracer,
  logger as defaultLogger,
  metrics as defaultMetrics,
  emitMetric,
  MetricName,
} from './observability.ts';
import { rejectionLogSampler } from './rejection-log-sampler.ts';

/** Options of {@link standardMiddleware}. */
export interface StandardMiddlewareOptions {
  /** The Converge function name (`webhook`, `plan`, ...): the `Function` dimension of `Errors`. */
  readonly functionName: string;
  /** The function answers HTTP (Function URL): errors become JSON responses instead of rethrowing. */
  readonly http?: boolean;
  /** Replaces the process-wide logger, metrics and tracer (tests). */
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly tracer?: Tracer;
}

// biome-ignore lint/suspicious/noExplicitAny: middy's own middleware type defaults to any for the result.
type Middleware = MiddlewareObj<any, any, Error>;

/**
 * The middy stack every Converge function uses, in order: tracer (X-Ray segment), logger
 * (Lambda context, keys reset per invocation), metrics (flushed after each invocation,
 * cold start counted), error accounting (logged, `Errors{Function}` counted unless the client
 * was at fault) and, for HTTP functions, the error mapper that answers
 * `{ error: code, message }` with the right status and never a stack trace.
 *
 * @example
 * // What `lambdaEntry` does for every function; tests wrap a handler the same way.
 * const handler = middy(webhookHandler(deps)).use(standardMiddleware({ functionName: 'webhook', http: true }));
 */
export function standardMiddleware(options: StandardMiddlewareOptions): Middleware[] {
  const logger = options.logger ?? defaultLogger;
  const metrics = options.metrics ?? defaultMetrics;
  const stack: Middleware[] = [
    tracing(options.tracer),
    injectLambdaContext(logger, { resetKeys: true }) as Middleware,
    logMetrics(metrics, { captureColdStartMetric: true }) as Middleware,
    errorAccounting(options.functionName, logger, metrics, options.http === true),
  ];
  if (options.http) stack.push(httpErrorMapper());
  return stack;
}

/** Powertools' `captureLambdaHandler` for `tracer`, its module loaded on first use. */
async function captureWith(tracer: Tracer): Promise<Middleware> {
  const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
  return captureLambdaHandler(tracer) as Middleware;
}

/**
 * The capture of the process's one tracer, made on the first invocation that traces and shared by
 * every handler the process wraps (a handler wrapped again pays nothing more).
 */
const processCapture = loadOnce(async () => captureWith(await createTracer()));

/**
 * Powertools' `captureLambdaHandler`, loaded with its tracer on the first invocation instead of at
 * import (see `createTracer`); every phase waits for it, so each invocation is traced as before.
 */
function tracing(given: Tracer | undefined): Middleware {
  const capture = given ? loadOnce(() => captureWith(given)) : processCapture;
  return {
    name: 'tracing',
    before: async function openSegment(request: Request) {
      await (await capture()).before?.(request);
    },
    after: async function closeSegment(request: Request) {
      await (await capture()).after?.(request);
    },
    onError: async function closeSegmentOnError(request: Request) {
      await (await capture()).onError?.(request);
    },
  };
}

/**
 * Logs a failed invocation and counts it as `Errors{Function}`. Client errors (a bad
 * signature, malformed input) are the caller's fault: not counted as errors; on HTTP functions
 * they are counted as `WebhooksRejected{Reason}` and logged only as a sample (anyone can send
 * them, so neither the logs nor the table may grow with them).
 */
function errorAccounting(functionName: string, logger: Logger, metrics: Metrics, http: boolean): Middleware {
  const sample = rejectionLogSampler();
  return {
    name: 'errorAccounting',
    onError: function countAndLogError(request: Request) {
      const answer = httpErrorAnswer(request.error, request.context?.awsRequestId);
      if (answer.clientError) {
        if (http) emitMetric(MetricName.WEBHOOKS_REJECTED, 1, { Reason: answer.error }, metrics);
        const sampled = http ? sample(answer.error, Date.now()) : { log: true, suppressed: 0 };
        if (!sampled.log) return;
        logger.warn('Request rejected', {
          error: answer.error,
          statusCode: answer.statusCode,
          reason: answer.message,
          ...(sampled.suppressed > 0 ? { suppressedSinceLastLine: sampled.suppressed } : {}),
        });
        return;
      }
      logger.error('Invocation failed', request.error as Error);
      emitMetric(MetricName.ERRORS, 1, { Function: functionName }, metrics);
    },
  };
}

/** Turns the error into a JSON answer; runs first on error, so the others see the error still set. */
function httpErrorMapper(): Middleware {
  return {
    name: 'httpErrorMapper',
    onError: function answerWithJsonError(request: Request) {
      const answer = httpErrorAnswer(request.error, request.context?.awsRequestId);
      request.response = {
        statusCode: answer.statusCode,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: answer.error, message: answer.message }),
      };
    },
  };
}
