import { fileURLToPath } from 'node:url';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeployedPolicy } from './deployed-policy.ts';
import { parseInfraSettings } from './settings.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';
import { TargetAccountStack } from './target-account-stack.ts';

/** The repository root: `functions/`, `package-lock.json`. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export interface ConvergeAppOptions {
  /** Passed to `new App()`: context, outdir. */
  readonly appProps?: AppProps;
  /** Where `functions/<name>/index.ts` live; tests point it at stubs. Default: the repository. */
  readonly projectRoot?: string;
  /** Where a relative `converge:policyFile` is resolved from. Default: the working directory (where `cdk` runs). */
  readonly cwd?: string;
}

/**
 * The Converge CDK app: the stateful stack, the stateless stack that depends on it, and
 * cdk-nag's AWS Solutions checks as a validation plugin, so `cdk synth` fails on any
 * finding that has not been acknowledged with a reason. The control-plane policy (context
 * `converge:policyFile`) is required and checked here, before anything is built.
 *
 * @example
 * const { app } = createConvergeApp();
 * app.synth();
 */
export function createConvergeApp(options: ConvergeAppOptions = {}) {
  const app = new App(options.appProps);
  const settings = parseInfraSettings(app.node.getAllContext());
  const policy = readDeployedPolicy(settings.policyFile, options.cwd);
  const stateful = new StatefulStack(app, `${settings.stackPrefix}Stateful`, {
    settings,
    description: 'Converge: table, artifact bucket, FIFO queues, secrets, CloudFormation service role',
  });
  const stateless = new StatelessStack(app, `${settings.stackPrefix}Stateless`, {
    settings,
    stateful,
    policy,
    projectRoot: options.projectRoot ?? PROJECT_ROOT,
    description: 'Converge: functions, triggers, schedules, dashboard and alarms',
  });
  // One stack per target account, deployed there, once Converge's event bus is known.
  const targets = settings.eventBusArn
    ? policy.policy.accounts.map(
        (account) =>
          new TargetAccountStack(app, `${settings.stackPrefix}Target${account.id}`, {
            env: { account: account.id, region: settings.eventBusArn!.split(':')[3]! },
            account,
            eventBusArn: settings.eventBusArn!,
            stackPrefix: settings.stackPrefix,
            cloudFormationRolePolicies: settings.cloudFormationRolePolicies,
            driftReadActions: settings.driftReadActions,
            description: `Converge target account ${account.id}: deploy role, CloudFormation service role, event forwarding`,
          }),
      )
    : [];
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, settings, policy, stateful, stateless, targets };
}
