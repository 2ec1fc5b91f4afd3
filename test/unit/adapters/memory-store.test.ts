import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../shared/adapters/memory/memory-store.ts';
import { DeploymentStatus } from '../../../shared/domain/deployment/deployment-status.ts';
import { aDeployment, anAudit, storeContract } from '../../support/store-contract.ts';

storeContract('MemoryStore', () => new MemoryStore());

describe('MemoryStore', () => {
  it('hands out copies, so a caller cannot change stored state by mutating a result', async () => {
    const store = new MemoryStore();
    const deployment = aDeployment(1);
    await store.createDeployment(deployment, anAudit(`deployment#${deployment.id}`, 1));
    const read = await store.getDeployment(deployment.id);
    (read as { status: string }).status = DeploymentStatus.SUCCEEDED;
    expect((await store.getDeployment(deployment.id))?.status).toBe(DeploymentStatus.PLANNING);
  });
});
