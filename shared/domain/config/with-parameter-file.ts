import type { ParameterFile } from './parse-parameter-file.ts';
import type { StackConfig } from './stack-config.ts';

/**
 * The stack with its parameter file read in: the file's parameters, and its tags under the
 * stack's own (a tag the stack names itself wins).
 *
 * @example
 * withParameterFile(stack, parseParameterFile(text, { file: stack.parameterFile! }));
 */
export function withParameterFile(stack: StackConfig, file: ParameterFile): StackConfig {
  return { ...stack, parameters: file.parameters, tags: { ...file.tags, ...stack.tags } };
}
