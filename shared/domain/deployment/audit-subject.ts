/** The audit subject of a deployment: the key its audit entries are kept under. */
export function subjectOf(deploymentId: string): string {
  return `deployment#${deploymentId}`;
}
