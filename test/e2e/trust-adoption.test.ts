import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLocalPolicy } from '../../local/host/local-policy.ts';
import { ReasonCode } from '../../shared/domain/deployment/reason-code.ts';
import { type E2e, quiet, reaches, settled, startE2e, template } from './support/e2e-harness.ts';
import { createByHand, slackMessagesWith, yaml } from './support/trust-helpers.ts';

// Its own file: a host's functions build their dependencies (the policy among them) once per process.
describe('adoption under a policy that allows it, through the local host', () => {
  let e2e: E2e;
  let policy: { file: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => {
    policy = await writeLocalPolicy(
      [
        'version: 1',
        'repositories:',
        '  acme/adopter: { branches: [main], stacks: ["*"] }',
        'approvers: [slack:U0APPROVER]',
        'adoption: { allowed: true }',
        '',
      ].join('\n'),
    );
    e2e = await startE2e(['adopter'], { policyFile: policy.file });
  }, 120_000);
  afterAll(async () => {
    await e2e?.stop();
    await policy?.remove();
  });

  it('adopts a stack Converge did not create only with a control-plane approver’s approval', async () => {
    await createByHand(e2e, 'adopted');
    await e2e.repository('adopter').push({
      'converge.yaml': yaml(['adopted'], '{ required: 0, autoApprove: always }'),
      'stacks/adopted.yaml': template('adopted'),
    });
    const adoption = await settled(e2e, 'adopted', ['AWAITING_APPROVAL', 'APPROVED', 'PLAN_FAILED']);
    expect(adoption.status).toBe('AWAITING_APPROVAL');
    expect(adoption.approval).toMatchObject({ approvers: ['slack:U0APPROVER'], autoApprove: 'never' });
    await e2e.waitFor(
      async () => slackMessagesWith(e2e, 'adoption: adopted exists'),
      (found) => found.length > 0,
      'the approval request to say it is an adoption',
    );

    await e2e.click(adoption, { userId: 'U0STRANGER' });
    await quiet(e2e, 'adopted');
    expect((await e2e.store.getDeployment(adoption.id))?.status).toBe('AWAITING_APPROVAL');

    await e2e.click(adoption);
    expect((await reaches(e2e, adoption.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });

  it('never manages a protected stack (CDKToolkit), even when adoption is allowed', async () => {
    await createByHand(e2e, 'CDKToolkit');
    await e2e.repository('adopter').push({
      'converge.yaml': yaml(['CDKToolkit'], '{ required: 1, autoApprove: never }'),
      'stacks/CDKToolkit.yaml': template('bootstrap'),
    });
    const refused = await settled(e2e, 'CDKToolkit', ['PLAN_FAILED', 'AWAITING_APPROVAL', 'APPROVED']);
    expect(refused.status).toBe('PLAN_FAILED');
    expect(refused.reason?.code).toBe(ReasonCode.STACK_NOT_PERMITTED);
    expect(refused.changeSet).toBeUndefined();
  });
});
