import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/runtime/observability.ts';
import {
  type ReconcileDeps,
  type ReconcileResult,
  reconcileDeployments,
} from '../../shared/use-cases/execution/reconcile-deployments.ts';
import {
  CONVERGE_ON_GIT_TASK,
  type ConvergeOnGitDeps,
  type ConvergeOnGitResult,
  convergeOnGit,
} from '../../shared/use-cases/git-poll/converge-on-git.ts';
import { GitPollDecision } from '../../shared/use-cases/git-poll/git-poll-decision.ts';

/**
 * On a schedule: closes executions whose stack event was lost and expires unanswered approval
 * requests; on the Git poll schedule (`detail.task: converge-on-git`, optionally
 * `detail.minCommitAgeSeconds`), plans the stacks whose branch head moved without a webhook. Two schedules, one use case each, so either runs on its own interval.
 */
export function reconcileHandler(deps: ReconcileDeps & ConvergeOnGitDeps) {
  return async function handleSchedule(
    event: ScheduledEvent,
  ): Promise<ReconcileResult | ConvergeOnGitResult> {
    const detail = (event?.detail ?? {}) as { task?: unknown; minCommitAgeSeconds?: unknown };
    if (detail.task !== CONVERGE_ON_GIT_TASK) return reconcileDeployments(deps);
    const age = detail.minCommitAgeSeconds;
    const minCommitAgeMs = typeof age === 'number' && Number.isFinite(age) && age > 0 ? age * 1000 : 0;
    const result = await convergeOnGit(deps, { minCommitAgeMs });
    // Say what the poll did and why; a stack up to date is the quiet, common case.
    for (const skip of result.skipped) logger.warn('Branch not polled', { ...skip });
    for (const decision of result.stacks)
      if (decision.decision !== GitPollDecision.UP_TO_DATE) logger.info('Git poll decision', { ...decision });
    return result;
  };
}
