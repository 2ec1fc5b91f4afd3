import { renderSlackBlocks } from './render-slack-blocks.ts';

/** A pending approval request the console showed, for the approve/reject shortcuts. */
export interface ShownApproval {
  readonly deploymentId: string;
  readonly changeSetId: string;
  readonly channel: string;
  readonly ts: string;
}

/** An answer of a stand-in API. */
export interface ConsoleReply {
  readonly status: number;
  readonly body?: unknown;
}

/**
 * Stand-ins for Slack's Web API and GitHub's REST API that print what Converge would post, for
 * `converge dev` without a Slack workspace or a GitHub token. The Slack and GitHub adapters talk
 * to them unchanged (their API URLs point here); an approval request is printed with the
 * commands that approve or reject it.
 *
 * @example
 * const apis = consoleApis({ print: console.log, approveHint: (a) => `curl -X POST ${url}/local/approve/${a.deploymentId}` });
 * apis.slack('chat.postMessage', form);
 */
export function consoleApis(options: {
  readonly print: (text: string) => void;
  /** Lines telling the reader how to answer an approval request. */
  readonly approveHint: (approval: ShownApproval) => readonly string[];
}) {
  const approvals = new Map<string, ShownApproval>();
  const checkNames = new Map<string, string>();
  let ts = Math.floor(Date.now() / 1000);
  let nextId = 1;
  const say = (lines: readonly string[]) => options.print(lines.map((line) => `  ${line}`).join('\n'));

  return {
    /** The approval request last shown for a deployment. */
    approval: (deploymentId: string) => approvals.get(deploymentId),

    /** Answers `POST /api/<method>` of the Slack Web API. */
    slack(method: string, fields: Readonly<Record<string, unknown>>): ConsoleReply {
      const channel = String(fields.channel ?? 'local');
      const text = String(fields.text ?? '');
      if (method === 'chat.postMessage' || method === 'chat.update') {
        const messageTs = method === 'chat.update' ? String(fields.ts) : `${ts++}.000100`;
        const vote = voteButtonValue(fields.blocks);
        // The message as a person would read it in Slack, not only its notification text.
        const rendered = renderSlackBlocks(fields.blocks);
        const lines = [
          `[slack ${method === 'chat.update' ? 'update' : 'message'}] ${text}`,
          ...rendered.map((line) => `  ${line}`),
        ];
        if (vote) {
          const shown = { ...vote, channel, ts: messageTs };
          approvals.set(vote.deploymentId, shown);
          lines.push(...options.approveHint(shown));
        }
        say(lines);
        return { status: 200, body: { ok: true, channel, ts: messageTs, message: { text } } };
      }
      if (method === 'chat.postEphemeral') {
        say([`[slack reply to ${String(fields.user ?? 'voter')}] ${text}`]);
        return { status: 200, body: { ok: true, message_ts: `${ts++}.000200` } };
      }
      return { status: 200, body: { ok: false, error: 'unknown_method' } };
    },

    /** Answers the GitHub REST calls Converge makes (check runs, statuses, comments). */
    github(method: string, path: string, body: Readonly<Record<string, unknown>>): ConsoleReply {
      const id = nextId++;
      if (method === 'GET')
        return { status: 200, body: path.endsWith('/check-runs') ? { total_count: 0, check_runs: [] } : [] };
      if (method === 'DELETE') return { status: 204 };
      if (path.includes('/check-runs')) {
        const runId = /\/check-runs\/(\d+)$/.exec(path)?.[1];
        const name = String(body.name ?? (runId ? checkNames.get(runId) : undefined) ?? '');
        if (method === 'POST') checkNames.set(String(id), name);
        const summary = (body.output as { summary?: unknown } | undefined)?.summary;
        say([
          `[github check] ${name}: ${String(body.conclusion ?? body.status ?? '')} ${title(body)}`,
          ...(typeof summary === 'string' ? commentLines(summary) : []),
        ]);
        return {
          status: method === 'POST' ? 201 : 200,
          body: { id, ...body, html_url: `https://github.com/checks/${id}` },
        };
      }
      if (path.includes('/statuses/')) {
        say([
          `[github status] ${String(body.context ?? '')}: ${String(body.state ?? '')} ${String(body.description ?? '')}`,
        ]);
        return { status: 201, body: { id, ...body } };
      }
      if (path.includes('/comments')) {
        say([`[github comment]`, ...commentLines(String(body.body ?? ''))]);
        return {
          status: method === 'POST' ? 201 : 200,
          body: {
            id,
            body: body.body,
            user: { login: 'converge[bot]' },
            html_url: `https://github.com/comments/${id}`,
          },
        };
      }
      return { status: 404, body: { message: 'Not Found' } };
    },
  };
}

/** A comment's Markdown as lines to read: the hidden marker that finds it again is left out. */
function commentLines(markdown: string): string[] {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .map((line) => `  ${line}`);
}

function title(body: Readonly<Record<string, unknown>>): string {
  const output = body.output as { title?: unknown } | undefined;
  return typeof output?.title === 'string' ? `— ${output.title}` : '';
}

/** The deployment and change set of the Approve button in a message's blocks, if it has one. */
function voteButtonValue(blocks: unknown): { deploymentId: string; changeSetId: string } | undefined {
  const parsed = typeof blocks === 'string' ? safeJson(blocks) : blocks;
  if (!Array.isArray(parsed)) return undefined;
  for (const block of parsed as { elements?: unknown }[]) {
    const elements = Array.isArray(block?.elements) ? (block.elements as Record<string, unknown>[]) : [];
    for (const element of elements) {
      if (element?.action_id !== 'approve' || typeof element.value !== 'string') continue;
      const value = safeJson(element.value) as { deploymentId?: unknown; changeSetId?: unknown } | undefined;
      if (typeof value?.deploymentId === 'string' && typeof value.changeSetId === 'string') {
        return { deploymentId: value.deploymentId, changeSetId: value.changeSetId };
      }
    }
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
