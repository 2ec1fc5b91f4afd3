/**
 * A `block_actions` interaction as Slack sends it for a click on a message button (shape from
 * Slack's "block_actions payloads" reference), with Converge's approve button.
 */
export function blockActionsPayload(
  overrides: Record<string, unknown> = {},
  action: Record<string, unknown> = {},
) {
  return {
    type: 'block_actions',
    user: { id: 'U0CA5', username: 'bob', name: 'bob', team_id: 'T3MDE' },
    api_app_id: 'A0CA5',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1732615200.000100', channel_id: 'C0CA5', is_ephemeral: false },
    trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    team: { id: 'T3MDE', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: 'C0CA5', name: 'deployments' },
    message: { type: 'message', ts: '1732615200.000100', text: 'network-prod @ 6113728: Awaiting approval' },
    response_url: 'https://hooks.slack.com/actions/T3MDE/1234567890/abcdefghijkl',
    actions: [
      {
        action_id: 'approve',
        block_id: 'converge-vote',
        text: { type: 'plain_text', text: 'Approve', emoji: true },
        value: JSON.stringify({
          deploymentId: 'dep-01HZX',
          changeSetId: 'arn:aws:cloudformation:eu-west-1:1:changeSet/c/1',
        }),
        style: 'primary',
        type: 'button',
        action_ts: '1732615260.123456',
        ...action,
      },
    ],
    ...overrides,
  };
}

/** The form body Slack posts: one `payload` field holding the JSON. */
export function formBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
