/** Parsing, merging and error reporting of scenarios. */
import type * as z from 'zod';
import { issueLines } from '../../core/zod-issues.ts';
import { scenarioSchema, type Scenario, type ScenarioInput } from './schema.ts';
import { isPlainObject } from '../../core/plain-object.ts';

/** A scenario that fails validation; the message lists every issue with path, rule and value. */
export class ScenarioError extends Error {
  /** The zod issues, for programmatic use. */
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(
    message: string,
    issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message);
    this.issues = issues;
    this.name = 'ScenarioError';
  }
}

/** One line per issue: `at <path>: <rule> (value: <value>)`, indented; `schema` and `input`, the schema and value parsed (the scenario's), let a failed union say what its branches expect. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, input?: unknown): string {
  return issueLines(issues, schema, input).map((line) => `  ${line}`).join('\n');
}

/** Validate `input` (parsed JSON) as a scenario; throws ScenarioError naming every bad field. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ScenarioError(`invalid ${source}:\n${formatIssues(result.error.issues, scenarioSchema, input)}`, result.error.issues);
  return result.data;
}

/**
 * The required top-level sections (`name`, `topology`, ...) that `input` lacks: a scenario with
 * some missing is most likely a partial override given where a whole scenario belongs.
 */
export function missingSections(input: unknown): string[] {
  if (!isPlainObject(input)) return [];
  return Object.entries(scenarioSchema.shape)
    .filter(([key, schema]) => !(key in input) && !schema.safeParse(undefined).success)
    .map(([key]) => key);
}

/** Whether `input` is an object with every required section: a whole scenario (as a file holds), not a partial override. */
export function isWholeScenario(input: unknown): input is Record<string, unknown> {
  return isPlainObject(input) && missingSections(input).length === 0;
}

/**
 * A partial scenario, as `make(id, {scenario})` and `--scenario-override` take it and
 * {@link mergeDeep} merges it: any section or field may be left out; arrays, and each `dnns`
 * entry, are given whole.
 */
export type ScenarioOverride = PartialFields<Omit<ScenarioInput, 'dnns'>> & { dnns?: ScenarioInput['dnns'] | undefined };

/** `T` with every object field optional, recursively; arrays whole (an override replaces them). */
export type PartialFields<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: PartialFields<T[K]> | undefined } : T;

/**
 * Deep merge for partial overrides: objects merge key by key, anything else (arrays included)
 * replaces. An object whose `kind` changes replaces the base object (its fields belong to the old
 * kind), and each entry of a scenario's `dnns` replaces the base's entry of its name whole (a
 * custom DNN is a measured profile or a layer spec, whose fields do not mix).
 */
export function mergeDeep(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  if ('kind' in override && override['kind'] !== base['kind']) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const baseValue = Object.hasOwn(base, key) ? base[key] : undefined;
    defineKey(out, key, key === 'dnns' ? mergeEntries(baseValue, value) : mergeDeep(baseValue, value));
  }
  return out;
}

/** `override`'s entries over `base`'s, each replacing the base's entry of its name whole. */
function mergeEntries(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [name, entry] of Object.entries(override)) if (entry !== undefined) defineKey(out, name, entry);
  return out;
}

/**
 * Sets `out[key]`, defined rather than assigned: an own "__proto__" key (JSON.parse makes one)
 * would otherwise set the prototype, hiding the key from the strict schema that refuses it.
 */
function defineKey(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
