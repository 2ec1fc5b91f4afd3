import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/runtime/config.ts';
import {
  createLogger,
  createMetrics,
  emitMetric,
  MetricName,
  withDeploymentKeys,
} from '../../../shared/runtime/observability.ts';
import { createSecrets } from '../../../shared/runtime/secrets.ts';
import { captureOutput, jsonLines } from './capture-output.ts';

const WEBHOOK_SECRET = 'hook-secret-7f3a9c1e2b';
const SLACK_TOKEN = 'xoxb-2222222222-3333333333-abcdefghijklmnop';
const SIGNATURE = `sha256=${'ab'.repeat(32)}`;

describe('logger', () => {
  it('never prints a secret, a token or a signature header, wherever it appears', async () => {
    const config = parseConfig({
      AWS_REGION: 'eu-west-1',
      CONVERGE_TABLE_NAME: 't',
      CONVERGE_PLAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/plan.fifo',
      CONVERGE_EXECUTE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/execute.fifo',
      CONVERGE_ARTIFACT_BUCKET: 'b',
      CONVERGE_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    const secrets = createSecrets(config);
    const webhookSecret = await secrets.get('githubWebhookSecret');
    const logger = createLogger({ logLevel: 'DEBUG' });
    const event = {
      headers: {
        'X-Hub-Signature-256': SIGNATURE,
        'x-slack-signature': 'v0=deadbeef',
        Authorization: `Bearer ${SLACK_TOKEN}`,
      },
      body: `{"note":"the secret is ${webhookSecret}"}`,
    };

    const output = await captureOutput(() => {
      logger.info('Received event', { event });
      logger.debug(`Verifying with ${webhookSecret}`);
      logger.error('Failed', new Error(`token ${SLACK_TOKEN} rejected`));
    });

    expect(jsonLines(output)).toHaveLength(3);
    for (const secret of [WEBHOOK_SECRET, SLACK_TOKEN, SIGNATURE, 'v0=deadbeef']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[REDACTED]');
  });

  it('keeps ordinary fields, including secret ARNs', async () => {
    const logger = createLogger();
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hook-AbCdEf';
    const output = await captureOutput(() => logger.info('Loaded', { secretArn: arn, stackName: 'network' }));
    expect(jsonLines(output)[0]).toMatchObject({ message: 'Loaded', secretArn: arn, stackName: 'network' });
  });

  it('appends deployment keys until they are reset', async () => {
    const logger = createLogger();
    const output = await captureOutput(() => {
      withDeploymentKeys({ deploymentId: 'd-1', stack: 'network', revision: 'abc123' }, logger);
      logger.info('planning');
      logger.resetKeys();
      logger.info('next invocation');
    });
    const [first, second] = jsonLines(output);
    expect(first).toMatchObject({ deploymentId: 'd-1', stack: 'network', revision: 'abc123' });
    expect(second).not.toHaveProperty('deploymentId');
  });
});

describe('emitMetric', () => {
  it('writes a dimensioned metric as its own EMF record in the Converge namespace', async () => {
    const metrics = createMetrics();
    const output = await captureOutput(() =>
      emitMetric(MetricName.DEPLOYMENTS_FINISHED, 1, { Outcome: 'FAILED' }, metrics),
    );
    const [record] = jsonLines(output);
    expect(record).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Converge', Dimensions: [['service', 'Outcome']] }] },
      service: 'converge',
      Outcome: 'FAILED',
      DeploymentsFinished: 1,
    });
  });

  it('batches dimensionless metrics until the invocation flushes them', async () => {
    const metrics = createMetrics();
    const output = await captureOutput(() => {
      emitMetric(MetricName.LEAD_TIME_SECONDS, 42, {}, metrics);
      emitMetric(MetricName.DEPLOYMENTS_STARTED, 1, {}, metrics);
      metrics.publishStoredMetrics();
    });
    const records = jsonLines(output);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ LeadTimeSeconds: 42, DeploymentsStarted: 1 });
  });

  it('logs an invocation without metrics at debug, not as a warning', async () => {
    const metrics = createMetrics({ log: createLogger({ logLevel: 'INFO' }) });
    const output = await captureOutput(() => metrics.publishStoredMetrics());
    expect(output).not.toContain('No application metrics');
  });
});
