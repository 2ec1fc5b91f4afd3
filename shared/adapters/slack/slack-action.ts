/** The `action_id`s of the buttons on an approval message. */
export const SlackActionId = {
  APPROVE: 'approve',
  REJECT: 'reject',
} as const;
export type SlackActionId = (typeof SlackActionId)[keyof typeof SlackActionId];

/** What a button's `value` carries: the vote is bound to this deployment and this change set. */
export interface SlackButtonValue {
  readonly deploymentId: string;
  readonly changeSetId: string;
}

/** Slack allows at most 2,000 characters in a button value. */
export const SLACK_BUTTON_VALUE_MAX = 2000;

export function encodeButtonValue(value: SlackButtonValue): string {
  return JSON.stringify({ deploymentId: value.deploymentId, changeSetId: value.changeSetId });
}
