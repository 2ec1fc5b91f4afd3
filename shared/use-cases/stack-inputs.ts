import { parse } from 'yaml';
import type { Source } from '../ports/source.ts';
import type { StackConfiguration } from './interim/configuration.ts';
import { ReasonCode } from './reason-code.ts';

/** What CreateChangeSet needs from the repository, or the named reason it cannot be had. */
export type StackInputs =
  | {
      readonly ok: true;
      readonly templateBody: string;
      readonly parameters: Readonly<Record<string, string>>;
    }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** Reads the stack's template and parameters file at the revision. */
export async function readStackInputs(
  { source }: { source: Source },
  input: { repository: string; revision: string; stack: StackConfiguration },
): Promise<StackInputs> {
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const template = await source.readFile(input.repository, input.revision, input.stack.template);
  if (!template) {
    return {
      ok: false,
      code: ReasonCode.TEMPLATE_NOT_FOUND,
      message: `${input.stack.template} does not exist at this revision.`,
    };
  }
  if (!input.stack.parameters) return { ok: true, templateBody: decode(template), parameters: {} };
  const file = await source.readFile(input.repository, input.revision, input.stack.parameters);
  if (!file) {
    return {
      ok: false,
      code: ReasonCode.PARAMETERS_INVALID,
      message: `${input.stack.parameters} does not exist at this revision.`,
    };
  }
  try {
    return { ok: true, templateBody: decode(template), parameters: parameterMap(parse(decode(file))) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      code: ReasonCode.PARAMETERS_INVALID,
      message: `${input.stack.parameters}: ${detail}`,
    };
  }
}

/** Accepts `[{ParameterKey, ParameterValue}]`, Git sync's `{ parameters: {...} }`, or a plain map. */
function parameterMap(document: unknown): Record<string, string> {
  if (Array.isArray(document)) {
    return Object.fromEntries(
      document.map((entry: { ParameterKey?: unknown; ParameterValue?: unknown }) => {
        if (typeof entry?.ParameterKey !== 'string') throw new Error('every entry needs a ParameterKey');
        return [entry.ParameterKey, String(entry.ParameterValue ?? '')];
      }),
    );
  }
  if (!document || typeof document !== 'object')
    throw new Error('expected a map of parameter names to values');
  const record = document as Record<string, unknown>;
  const inner = record.parameters ?? record.Parameters;
  const values = inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : record;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}
