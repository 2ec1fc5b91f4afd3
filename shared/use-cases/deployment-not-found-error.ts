/** No deployment has this id: a stale link, a typo, or a job for a deployment that was never recorded. */
export class DeploymentNotFoundError extends Error {
  constructor(readonly deploymentId: string) {
    super(`Deployment ${deploymentId} does not exist; check the id (converge deployments list).`);
    this.name = 'DeploymentNotFoundError';
  }
}
