import { type Deployment, DeploymentKind } from '../../domain/deployment/deployment.ts';
import type {
  ChannelRefs,
  ConfigurationProblems,
  NotificationChannel,
  NotificationContext,
  PullRequestRef,
} from '../../ports/notifier.ts';
import { buildPreviewComment, PREVIEW_MARKER, stackMarker } from './build-preview-comment.ts';
import { checkRunOutput } from './check-run-output.ts';
import { checkName, checkRunState, commitStatusState } from './commit-check.ts';
import { buildConfigurationCheck } from './configuration-check.ts';
import type { GithubClient } from './create-octokit.ts';
import { parseGithubRepository } from './github-repository.ts';
import { isHttpStatus } from './is-http-status.ts';
import { listPages } from './list-pages.ts';

/** Pull requests with more than 3,000 comments are not searched further. */
const MAX_COMMENT_PAGES = 30;

export interface GithubNotifierOptions {
  /** From `createOctokit`. */
  readonly octokit: GithubClient;
  /**
   * `check-run` (GitHub App tokens), `status` (tokens without the checks permission), or
   * `auto`: check runs, switching to commit statuses when GitHub refuses them (403).
   */
  readonly commitChecks?: 'check-run' | 'status' | 'auto';
  /** GitHub's web address, for commit links in comments. */
  readonly webUrl?: string;
}

/**
 * GitHub as a notification channel: a check run `converge/<stack>` on the revision (or a commit
 * status with that context), and for previews one comment per pull request and stack, edited in
 * place on every push and deleted when the pull request closes. Refs are `checkRunId` and
 * `commentId`; without them the check run and the comment are found again (by name, and by the
 * `<!-- converge:preview -->` marker), so a lost ref never creates a duplicate.
 *
 * @example
 * const github = new GithubNotifier({ octokit: createOctokit({ auth }) });
 */
export class GithubNotifier implements NotificationChannel {
  readonly name = 'github';
  readonly #octokit: GithubClient;
  readonly #options: GithubNotifierOptions;
  #useStatuses: boolean;

  constructor(options: GithubNotifierOptions) {
    this.#octokit = options.octokit;
    this.#options = options;
    this.#useStatuses = options.commitChecks === 'status';
  }

  async deploymentChanged(
    deployment: Deployment,
    context: NotificationContext,
    previous: ChannelRefs | undefined,
  ): Promise<ChannelRefs | undefined> {
    const refs: Record<string, string> = { ...previous };
    const checkRunId = await this.#reportCheck(deployment, context, previous?.checkRunId);
    if (checkRunId) refs.checkRunId = checkRunId;
    if (deployment.kind === DeploymentKind.PREVIEW && deployment.pullRequest !== undefined) {
      refs.commentId = await this.#upsertPreviewComment(deployment, context, previous?.commentId);
    }
    return refs;
  }

  async pullRequestClosed(pullRequest: PullRequestRef): Promise<void> {
    const { owner, repo } = parseGithubRepository(pullRequest.repository);
    const comments = await this.#previewComments(owner, repo, pullRequest.pullRequest, pullRequest.stackKey);
    for (const comment of comments) {
      await this.#octokit.rest.issues
        .deleteComment({ owner, repo, comment_id: comment.id })
        .catch((error: unknown) => {
          if (!isHttpStatus(error, 404)) throw error;
        });
    }
  }

  /** Reports the deployment on its commit; returns the check run id, if a check run was used. */
  async #reportCheck(deployment: Deployment, context: NotificationContext, knownId: string | undefined) {
    if (!this.#useStatuses) {
      try {
        return await this.#upsertCheckRun(deployment, context, knownId);
      } catch (error) {
        if (this.#options.commitChecks !== 'auto' && this.#options.commitChecks !== undefined) throw error;
        if (!isHttpStatus(error, 403)) throw error;
        this.#useStatuses = true;
      }
    }
    const { owner, repo } = parseGithubRepository(deployment.repository);
    const status = commitStatusState(deployment);
    await this.#octokit.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: deployment.revision,
      context: checkName(deployment),
      state: status.state,
      description: status.description,
      ...(context.detailsUrl ? { target_url: context.detailsUrl } : {}),
    });
    return undefined;
  }

  async #upsertCheckRun(deployment: Deployment, context: NotificationContext, knownId: string | undefined) {
    const { owner, repo } = parseGithubRepository(deployment.repository);
    const state = checkRunState(deployment);
    const fields = {
      status: state.status,
      ...(state.conclusion ? { conclusion: state.conclusion } : {}),
      ...(context.detailsUrl ? { details_url: context.detailsUrl } : {}),
      external_id: deployment.id,
      output: checkRunOutput(deployment, context),
    };
    const id = knownId ?? (await this.#findCheckRun(owner, repo, deployment));
    if (id) {
      try {
        await this.#octokit.rest.checks.update({ owner, repo, check_run_id: Number(id), ...fields });
        return id;
      } catch (error) {
        if (!isHttpStatus(error, 404)) throw error;
      }
    }
    const created = await this.#octokit.rest.checks.create({
      owner,
      repo,
      name: checkName(deployment),
      head_sha: deployment.revision,
      ...fields,
    });
    return String(created.data.id);
  }

  async #findCheckRun(owner: string, repo: string, deployment: Deployment): Promise<string | undefined> {
    const { data } = await this.#octokit.rest.checks.listForRef({
      owner,
      repo,
      ref: deployment.revision,
      check_name: checkName(deployment),
      filter: 'latest',
      per_page: 1,
    });
    const run = data.check_runs[0];
    return run ? String(run.id) : undefined;
  }

  async #upsertPreviewComment(
    deployment: Deployment,
    context: NotificationContext,
    knownId: string | undefined,
  ) {
    const { owner, repo } = parseGithubRepository(deployment.repository);
    const body = buildPreviewComment(
      deployment,
      context,
      this.#options.webUrl ? { webUrl: this.#options.webUrl } : {},
    );
    const found = knownId
      ? [{ id: Number(knownId) }]
      : await this.#previewComments(owner, repo, deployment.pullRequest!, deployment.stackKey);
    for (const comment of found.slice(0, 1)) {
      try {
        await this.#octokit.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body });
        return String(comment.id);
      } catch (error) {
        if (!isHttpStatus(error, 404)) throw error;
      }
    }
    const created = await this.#octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: deployment.pullRequest!,
      body,
    });
    return String(created.data.id);
  }

  /** Converge's preview comments on a pull request (one stack's, when `stackKey` is given), oldest first. */
  async #previewComments(owner: string, repo: string, issueNumber: number, stackKey: string | undefined) {
    const listed = await listPages(
      (paging) =>
        this.#octokit.rest.issues.listComments({ owner, repo, issue_number: issueNumber, ...paging }),
      MAX_COMMENT_PAGES,
    );
    const comments: { id: number; body?: string }[] = listed.map((comment) => ({
      id: Number(comment.id),
      ...(comment.body ? { body: comment.body } : {}),
    }));
    return comments.filter(
      (comment) =>
        comment.body?.startsWith(PREVIEW_MARKER) &&
        (stackKey === undefined || comment.body.includes(stackMarker(stackKey))),
    );
  }

  /**
   * A completed, failed check run `converge` on the pushed commit listing every configuration
   * problem (a failed commit status with the count, where check runs are refused).
   */
  async configurationInvalid(problems: ConfigurationProblems): Promise<void> {
    const { owner, repo } = parseGithubRepository(problems.repository);
    const check = buildConfigurationCheck(problems);
    if (!this.#useStatuses) {
      try {
        await this.#octokit.rest.checks.create({
          owner,
          repo,
          name: check.name,
          head_sha: check.headSha,
          status: 'completed',
          conclusion: 'failure',
          output: { title: check.title, summary: check.summary },
        });
        return;
      } catch (error) {
        if (this.#options.commitChecks !== 'auto' && this.#options.commitChecks !== undefined) throw error;
        if (!isHttpStatus(error, 403)) throw error;
        this.#useStatuses = true;
      }
    }
    await this.#octokit.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: check.headSha,
      context: check.name,
      state: 'failure',
      description: `${check.title}; run converge validate`.slice(0, 140),
    });
  }
}
