/** Validation of an agent's options: a zod schema per agent, one error format for all of them. */
import * as z from 'zod';
import { parseKwargs } from '../env/core/zod-issues.ts';

/** The options of an agent that takes none: any key is refused rather than ignored. */
export const NoOptions = z.object({}).strict();

/**
 * `options` validated by `schema` (defaults applied); throws a `KwargsError` ("agent <name>:
 * invalid options:" then every bad field with path, rule and value).
 */
export function parseAgentOptions<S extends z.ZodType>(schema: S, options: unknown, agent: string): z.output<S> {
  return parseKwargs(schema, options, `agent ${agent}`, 'options');
}
