/** Parsing, merging and error reporting of scenarios. */
import * as z from 'zod';
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
  refuseNonData(input, `invalid ${source}`);
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
 * replaces. An object of one of the schema's discriminated unions (topology, devices.arrivals,
 * the energy budgets, channel.fading: `KIND_UNION_PATHS`) whose `kind` changes replaces the
 * base object (its fields belong to the old kind); elsewhere `kind` is a field like any other
 * (`reputation.kind`: `scale` belongs to every kind and is kept). Each entry of a scenario's
 * `dnns` replaces the base's entry of its name whole (a custom DNN is a measured profile or a
 * layer spec, whose fields do not mix).
 */
export function mergeDeep(base: unknown, override: unknown): unknown {
  refuseNonData(override, 'invalid scenario override');
  return merged(base, override, '');
}

/**
 * The dotted paths of the scenario schema's discriminated unions on `kind`, read from the schema
 * (so a union added there is covered): where a changed `kind` makes the old fields meaningless.
 */
export const KIND_UNION_PATHS: ReadonlySet<string> = new Set(kindUnionPaths(scenarioSchema, []));

function kindUnionPaths(schema: unknown, path: readonly string[]): string[] {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodPrefault || inner instanceof z.ZodOptional) inner = inner._zod.def.innerType;
  if (inner instanceof z.ZodDiscriminatedUnion) return inner._zod.def.discriminator === 'kind' ? [path.join('.')] : [];
  if (inner instanceof z.ZodObject) return Object.entries(inner.shape as Record<string, unknown>).flatMap(([key, child]) => kindUnionPaths(child, [...path, key]));
  return [];
}

function merged(base: unknown, override: unknown, path: string): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  // a `kind` left undefined changes nothing, as any other undefined field of an override
  if (override['kind'] !== undefined && override['kind'] !== base['kind'] && KIND_UNION_PATHS.has(path)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const baseValue = Object.hasOwn(base, key) ? base[key] : undefined;
    defineKey(out, key, key === 'dnns' ? mergeEntries(baseValue, value) : merged(baseValue, value, path === '' ? key : `${path}.${key}`));
  }
  return out;
}

/**
 * Throws a ScenarioError (`what`, then the issue) at the first object in `value` whose contents
 * the schema and the merge would not read: a Map, Set or Date, inherited fields (a Map of
 * fields passed as `{}`, silently keeping the base's values), or a "__proto__" key. A class
 * instance's own fields are read as a plain object's; typed arrays are left to the schema, which
 * names their field.
 */
function refuseNonData(value: unknown, what: string): void {
  const issue = nonDataIssue(value, [], 0);
  if (issue !== undefined) throw new ScenarioError(`${what}:\n${formatIssues([issue])}`, [issue]);
}

/** What of `value` a scenario's schema would not read: a built-in collection's entries, a Date's time, inherited fields. */
function unreadContents(value: object): string | undefined {
  for (const kind of [Map, Set, WeakMap, WeakSet, Date, RegExp]) if (value instanceof kind) return `a ${kind.name}`;
  const inherited: string[] = [];
  for (const key in value) if (!Object.hasOwn(value, key)) inherited.push(JSON.stringify(key));
  return inherited.length === 0 ? undefined : `an object whose field${inherited.length > 1 ? 's' : ''} ${inherited.join(', ')} ${inherited.length > 1 ? 'are' : 'is'} inherited`;
}

function nonDataIssue(value: unknown, path: PropertyKey[], depth: number): z.core.$ZodIssue | undefined {
  // past a depth no scenario reaches (a cycle), the schema reports the value
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || depth > 64) return undefined;
  const unread = Array.isArray(value) ? undefined : unreadContents(value);
  if (unread !== undefined) return { code: 'custom', path, message: `rule: JSON data (objects of own fields, arrays, numbers, strings, booleans, null); got ${unread}, which a scenario does not read`, input: value } as z.core.$ZodIssue;
  // JSON.parse makes an own "__proto__" key, which a zod record (dnns) skips without a word
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return { code: 'custom', path: [...path, '__proto__'], message: 'rule: a key other than "__proto__", which the scenario\'s reading would drop', input: (value as Record<string, unknown>)['__proto__'] } as z.core.$ZodIssue;
  const children: Iterable<[PropertyKey, unknown]> = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [key, child] of children) {
    if (typeof child !== 'object' || child === null) continue;
    const issue = nonDataIssue(child, [...path, key], depth + 1);
    if (issue !== undefined) return issue;
  }
  return undefined;
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
