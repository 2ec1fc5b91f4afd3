import { createHmac, randomUUID } from 'node:crypto';

/** What a push to `main` sends, in the fields Converge reads (GitHub sends many more). */
export interface PushInput {
  readonly repository: string;
  /** The previous head (forty zeros for a new branch). */
  readonly before: string;
  readonly after: string;
  /** Paths the pushed commit changed (reported as added unless `changes` says more). */
  readonly paths: readonly string[];
  /** Paths by how they changed, as GitHub lists them per commit. */
  readonly changes?: {
    readonly added: readonly string[];
    readonly modified: readonly string[];
    readonly removed: readonly string[];
  };
  /** The branch ref pushed; `refs/heads/main` by default. */
  readonly ref?: string;
  readonly message?: string;
  readonly author?: string;
}

/**
 * A GitHub push delivery signed with `secret`: the JSON body and the headers GitHub sends with it
 * (`X-GitHub-Event`, `X-GitHub-Delivery`, `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>`).
 *
 * @example
 * const delivery = signedPushDelivery({ repository: 'acme/infra', before, after, paths: ['converge.yaml'] }, secret);
 * await fetch(`${url}/webhooks/github`, { method: 'POST', headers: delivery.headers, body: delivery.body });
 */
export function signedPushDelivery(push: PushInput, secret: string) {
  const [owner = '', name = ''] = push.repository.split('/');
  const author = push.author ?? 'converge-example';
  const commit = {
    id: push.after,
    message: push.message ?? 'Add the example stack',
    timestamp: new Date().toISOString(),
    author: { name: author, email: `${author}@users.noreply.github.com`, username: author },
    added: [...(push.changes?.added ?? push.paths)],
    removed: [...(push.changes?.removed ?? [])],
    modified: [...(push.changes?.modified ?? [])],
  };
  const body = JSON.stringify({
    ref: push.ref ?? 'refs/heads/main',
    before: push.before,
    after: push.after,
    created: /^0+$/.test(push.before),
    deleted: false,
    forced: false,
    commits: [commit],
    head_commit: commit,
    repository: {
      name,
      full_name: push.repository,
      owner: { login: owner, name: owner },
      default_branch: 'main',
    },
    pusher: { name: author },
    sender: { login: author, type: 'User' },
  });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return {
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  };
}
