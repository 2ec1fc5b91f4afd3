import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../infra/converge-app.ts';
import { FUNCTION_NAMES } from '../../../infra/function-catalog.ts';
import { tempDir } from '../../support/temp-dir.ts';

/**
 * A throwaway project root with one stub `functions/<name>/index.ts` per function and the
 * repository's lock file, so the CDK app can synthesize before (or without) the real
 * handlers. Nothing is written inside the repository.
 */
export function createStubProject(): string {
  const root = tempDir('converge-infra-');
  for (const name of FUNCTION_NAMES) {
    mkdirSync(join(root, 'functions', name), { recursive: true });
    writeFileSync(join(root, 'functions', name, 'index.ts'), 'export const handler = async () => ({});\n');
  }
  copyFileSync(join(PROJECT_ROOT, 'package-lock.json'), join(root, 'package-lock.json'));
  return root;
}
