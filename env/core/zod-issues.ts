/**
 * Zod validation errors as messages that name each bad field, the rule and the value: for
 * scenarios (`parseScenario`) and for env keyword arguments (`parseKwargs`).
 */
import * as z from 'zod';
import { didYouMean } from './closest-name.ts';
import { GymError } from './errors.ts';
import { formatPath } from './format-path.ts';
import { formatValue } from './format.ts';
import { isPlainObject } from './plain-object.ts';

/** `value` as one short line; NaN, Infinity and undefined are written as such (JSON writes the numbers as null). */
function shortValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    const mark = '\u0000';
    const marked = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item)) || item === undefined ? `${mark}${String(item)}${mark}` : item);
    text = marked === undefined ? formatValue(value) : marked.replace(/"\\u0000(NaN|-?Infinity|undefined)\\u0000"/g, '$1');
  } catch {
    // a BigInt, a cycle, or nesting past the call stack (String() would overflow it too): the
    // bounded form of other messages
    text = formatValue(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The value at `path` (an issue's) in `root`; undefined once the path leaves objects. */
export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * One line per issue: `at <path>: <rule> (value: <value>)` (parse with `reportInput: true` to get
 * the values); an unknown key's line names the key, not the whole object around it. A failed
 * union gives the issues of the branch the value was meant for (see `matchingBranch`), or, when
 * none is, what its branches expect; with `schema`, the schema that was parsed (issue paths
 * relative to it), that is said with the branches' element types and the field's description,
 * and with `input`, the value parsed, a discriminated union's branch is the input's. Past
 * 20 issues, one last line counts the rest.
 */
export function issueLines(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, input?: unknown): string[] {
  // a million bad elements of one array would print a million lines: the first ones tell what is wrong
  if (issues.length <= MAX_ISSUES) return linesOf(issues, schema, input);
  const more = issues.length - MAX_ISSUES;
  return [...linesOf(issues.slice(0, MAX_ISSUES), schema, input), `… and ${more} more issue${more === 1 ? '' : 's'}`];
}

/** Most issues {@link issueLines} writes a line for. */
const MAX_ISSUES = 20;

function linesOf(issues: readonly z.core.$ZodIssue[], schema?: z.ZodType, input?: unknown): string[] {
  return issues.flatMap((issue) => {
    const branch = matchingBranch(issue);
    if (branch) return linesOf(branch, schema, input);
    const where = `at ${formatPath(issue.path)}: ${issue.code === 'invalid_union' ? unionMessage(issue, schema, input) : issue.message}`;
    if (issue.code !== 'unrecognized_keys') return [`${where} (value: ${shortValue(issueValue(issue))})`];
    const at = schema && schemaAt(schema, issue.path, input);
    return [`${where}${knownKeysHint(issue.keys, at && objectBranch(at, valueAt(input, issue.path)))}`];
  });
}

/**
 * The object schema `value` was checked by: `schema` itself, or the one branch of a union whose
 * literal fields (a `kind`) the value has; undefined when that is no object or not one branch.
 */
function objectBranch(schema: z.core.$ZodType, value: unknown): z.core.$ZodType | undefined {
  const options = unionOptions(schema);
  const branches = options.filter((option) => defOf(option).type === 'object');
  if (options.length === 1) return branches[0];
  const fitting = branches.filter((branch) =>
    Object.keys(defOf(branch).shape as Record<string, unknown>).every((key) => {
      const literals = literalValues(branch, key);
      return literals.length === 0 || (isPlainObject(value) && literals.includes(value[key]));
    }),
  );
  return fitting.length === 1 ? fitting[0] : undefined;
}

/**
 * For unknown `keys` of an object of `schema` (undefined: not known), the keys it takes and the
 * nearest of them to each unknown one (`; did you mean "V"? (keys: V, uMin, uMax)`): a typo such as
 * `v` for `V` is otherwise left to the reader to find in the docs.
 */
function knownKeysHint(keys: readonly string[], schema: z.core.$ZodType | undefined): string {
  if (schema === undefined) return '';
  const known = Object.keys(defOf(schema).shape as Record<string, unknown>);
  if (known.length === 0) return ' (no keys are taken here)';
  return `${didYouMean(keys, known)} (keys: ${known.join(', ')})`;
}

/** The kind of `value` in zod's words (`received ...`). */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

/** Whether a value of zod type `expected` would be of `value`'s kind (an 'int' is a number). */
function sameKind(expected: string, value: unknown): boolean {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return (expected === 'int' ? 'number' : expected) === kind;
}

/** The value an issue is about: for an unknown discriminator, the discriminator's value, not the whole object. */
function issueValue(issue: z.core.$ZodIssue): unknown {
  const discriminator = (issue as { discriminator?: unknown }).discriminator;
  if (issue.code === 'invalid_union' && typeof discriminator === 'string' && isPlainObject(issue.input)) return issue.input[discriminator];
  return issue.input;
}

/** Whether a union branch refuses `input` for its type alone (a string given to a number-or-array), nested unions included. */
function wrongType(branch: readonly z.core.$ZodIssue[], input: unknown): boolean {
  return branch.some(
    (sub) =>
      sub.path.length === 0 &&
      ((sub.code === 'invalid_type' && !sameKind(sub.expected, input)) ||
        // an enum or literal branch: of the value's type only if one of its values is
        (sub.code === 'invalid_value' && sub.values.length > 0 && !sub.values.some((value) => typeof value === typeof input)) ||
        (sub.code === 'invalid_union' && !('discriminator' in sub) && sub.errors.length > 0 && sub.errors.every((inner) => wrongType(inner, input)))),
  );
}

/**
 * For an object value, the branches it was written for: those that know the most of its keys
 * (`units` is a layer spec's key, `unitFlops` a measured profile's), less those whose literal
 * field (a `kind` discriminator) it does not have.
 */
function closestObjectBranches(branches: ReadonlyArray<readonly z.core.$ZodIssue[]>, input: Record<string, unknown>): Array<readonly z.core.$ZodIssue[]> {
  const keys = Object.keys(input);
  const fitting = branches.filter((branch) => !branch.some((sub) => sub.path.length === 1 && sub.code === 'invalid_value' && sub.values.length === 1));
  const known = fitting.map((branch) => {
    const unknown = new Set(branch.flatMap((sub) => (sub.path.length === 0 && sub.code === 'unrecognized_keys' ? sub.keys : [])));
    return keys.filter((key) => !unknown.has(key)).length;
  });
  const best = Math.max(0, ...known);
  return best === 0 ? fitting : fitting.filter((_, i) => known[i] === best);
}

/**
 * For a union that failed, the issues of the one branch the value was meant for, at full paths:
 * they name the bad element or field and the rule, where the union's own "Invalid input" names
 * only the whole value. The branch is the only one whose type the value has (the array branch of
 * "a number or an array of numbers"), or, for an object, the only one that knows the most of its
 * keys (see `closestObjectBranches`). Undefined when no single branch fits.
 */
function matchingBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  let typed: Array<readonly z.core.$ZodIssue[]> = issue.errors.filter((branch) => !wrongType(branch, issue.input));
  if (typed.length > 1 && isPlainObject(issue.input)) typed = closestObjectBranches(typed, issue.input);
  if (typed.length !== 1) return undefined;
  return typed[0]!.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] }));
}

/** The fields of a zod def read here; each but `type` exists on some kinds of def only. */
type Def = {
  type: string;
  innerType?: unknown;
  in?: unknown;
  getter?: unknown;
  shape?: unknown;
  valueType?: unknown;
  element?: unknown;
  items?: unknown;
  rest?: unknown;
  options?: unknown;
  discriminator?: unknown;
  values?: unknown;
  entries?: unknown;
};
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** The schema under optional, default, nullable and other wrappers (a pipe's input side). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(schema);
    if ('innerType' in def) schema = def.innerType as z.core.$ZodType;
    else if (def.type === 'pipe') schema = def.in as z.core.$ZodType;
    else if (def.type === 'lazy') schema = (def.getter as () => z.core.$ZodType)();
    else return schema;
  }
  return schema;
}

/**
 * The schema of the value at `path` inside `schema`; undefined where a union's branches give
 * schemas for the path that read differently (a conv1d and a conv2d layer's padding), which only
 * the input could tell apart.
 */
function schemaAt(schema: z.core.$ZodType, path: ReadonlyArray<PropertyKey>, value?: unknown): z.core.$ZodType | undefined {
  if (path.length === 0) return schema;
  const inner = unwrap(schema);
  const def = defOf(inner);
  const [key, ...rest] = path;
  const child = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key!] : undefined;
  let next: z.core.$ZodType | undefined;
  if (def.type === 'object') next = (def.shape as Record<string, z.core.$ZodType>)[String(key)];
  else if (def.type === 'record') next = def.valueType as z.core.$ZodType;
  else if (def.type === 'array') next = def.element as z.core.$ZodType;
  else if (def.type === 'tuple') next = (def.items as z.core.$ZodType[])[Number(key)] ?? (def.rest as z.core.$ZodType | null) ?? undefined;
  else if (def.type === 'union') {
    const options = def.options as z.core.$ZodType[];
    // a discriminated union: the branch the input's discriminator names
    const discriminator = def.discriminator;
    if (typeof discriminator === 'string' && isPlainObject(value)) {
      const named = options.find((option) => literalValues(option, discriminator).includes(value[discriminator]));
      if (named !== undefined) return schemaAt(named, path, value);
    }
    const found = options.map((option) => schemaAt(option, path, value)).filter((at) => at !== undefined);
    // branches that build the field separately but alike (every 2-D layer's kernel) agree in words
    const reads = (at: z.core.$ZodType) => `${typeText(at)}\n${descriptionOf(at) ?? ''}`;
    return found.length > 0 && found.every((at) => reads(at) === reads(found[0]!)) ? found[0] : undefined;
  }
  return next && schemaAt(next, rest, child);
}

/** The values the literal field `key` of an object schema takes (none when it is no literal). */
function literalValues(schema: z.core.$ZodType, key: string): unknown[] {
  const def = defOf(unwrap(schema));
  const field = def.type === 'object' ? (def.shape as Record<string, z.core.$ZodType>)[key] : undefined;
  if (field === undefined) return [];
  const fieldDef = defOf(unwrap(field));
  return fieldDef.type === 'literal' ? (fieldDef.values as unknown[]) : [];
}

/** The description of `schema` or of a schema it wraps. */
function descriptionOf(schema: z.core.$ZodType): string | undefined {
  for (let depth = 0; depth < 32; depth++) {
    const description = z.globalRegistry.get(schema)?.description;
    if (description) return description;
    const def = defOf(schema);
    if ('innerType' in def) schema = def.innerType as z.core.$ZodType;
    else if (def.type === 'pipe') schema = def.in as z.core.$ZodType;
    else return undefined;
  }
  return undefined;
}

/** The branches of a union, nested unions flattened. */
function unionOptions(schema: z.core.$ZodType): z.core.$ZodType[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  return def.type === 'union' ? (def.options as z.core.$ZodType[]).flatMap(unionOptions) : [inner];
}

/** "a, b or c". */
function either(texts: readonly string[]): string {
  const unique = [...new Set(texts)];
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)!}`;
}

/** What a value of `schema` is, in words: `a number`, `an array of integers`, `an object with min, max`. */
function typeText(schema: z.core.$ZodType, plural = false): string {
  const inner = unwrap(schema);
  const def = defOf(inner);
  const noun = (one: string, many: string) => (plural ? many : one);
  switch (def.type) {
    case 'number':
      return (inner as { isInt?: boolean }).isInt ? noun('an integer', 'integers') : noun('a number', 'numbers');
    case 'string':
      return noun('a string', 'strings');
    case 'boolean':
      return noun('a boolean', 'booleans');
    case 'null':
      return 'null';
    case 'literal':
      return either((def.values as unknown[]).map((value) => JSON.stringify(value) ?? String(value)));
    case 'enum':
      return `${noun('one of', 'each one of')} ${Object.values(def.entries as Record<string, unknown>).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'array':
      return `${noun('an array', 'arrays')} of ${typeText(def.element as z.core.$ZodType, true)}`;
    case 'tuple': {
      const items = (def.items as z.core.$ZodType[]).map((item) => typeText(item, true));
      if (items.length === 2 && items[0] === items[1]) return `${noun('a pair', 'pairs')} of ${items[0]!}`;
      return `${noun('an array', 'arrays')} [${(def.items as z.core.$ZodType[]).map((item) => typeText(item)).join(', ')}]`;
    }
    case 'object': {
      const shape = Object.entries(def.shape as Record<string, z.core.$ZodType>);
      const required = shape.filter(([, field]) => !field._zod.optin).map(([key]) => key);
      return `${noun('an object', 'objects')} with ${(required.length > 0 ? required : shape.map(([key]) => key)).join(', ')}`;
    }
    case 'record':
      return `${noun('an object', 'objects')} of ${typeText(def.valueType as z.core.$ZodType, true)}`;
    case 'union':
      return either(unionOptions(inner).map((option) => typeText(option, plural)));
    default:
      return noun(`a ${def.type}`, `${def.type}s`);
  }
}

/** The zod types that a union's branches expected of a value of the wrong type, nested unions included. */
function expectedTypes(branches: ReadonlyArray<readonly z.core.$ZodIssue[]>): string[] {
  return branches.flatMap((branch) =>
    branch.flatMap((sub) => {
      if (sub.path.length > 0) return [];
      if (sub.code === 'invalid_type') return [sub.expected === 'int' ? 'integer' : sub.expected];
      if (sub.code === 'invalid_value') return sub.values.map((value) => JSON.stringify(value) ?? String(value));
      return sub.code === 'invalid_union' ? expectedTypes(sub.errors) : [];
    }),
  );
}

/**
 * The rule of a union that no single branch explains: what the branches expect and what the value
 * is (`expected a number or an array of numbers, received string`), then the field's description
 * when `schema` gives it. A union with its own message (an unknown discriminator) keeps it.
 */
function unionMessage(issue: z.core.$ZodIssue & { code: 'invalid_union' }, schema: z.ZodType | undefined, input: unknown): string {
  if (issue.message !== 'Invalid input' || 'discriminator' in issue) return issue.message;
  const at = schema && schemaAt(schema, issue.path, input);
  const expected = at ? typeText(at) : either(expectedTypes(issue.errors));
  if (!expected) return issue.message;
  const description = at && descriptionOf(at);
  return `Invalid input: expected ${expected}, received ${kindOf(issue.input)}${description ? `; field: ${description}` : ''}`;
}

/**
 * Keyword arguments (an env's, an agent's options) that `owner` refuses; the message lists every
 * issue with path, rule and value.
 */
export class KwargsError extends GymError {
  /** Who refused them (`BdtEnv`, `agent wdpo`). */
  readonly owner: string;
  /** The zod issues, for programmatic use. */
  readonly issues: readonly z.core.$ZodIssue[];
  /** What was refused (`keyword arguments`, `options`). */
  readonly what: string;
  /** The schema that refused them, for `issueLines(issues, schema)`: it lets the message say what a union's branches expect. */
  readonly schema?: z.ZodType | undefined;

  constructor(
    owner: string,
    issues: readonly z.core.$ZodIssue[],
    what = 'keyword arguments',
    schema?: z.ZodType,
  ) {
    super(`${owner}: invalid ${what}:\n${issueLines(issues, schema).map((line) => `  ${line}`).join('\n')}`);
    this.owner = owner;
    this.issues = issues;
    this.what = what;
    this.schema = schema;
  }
}

/**
 * `kwargs` validated by `schema` (defaults applied); throws `KwargsError` naming `owner`, `what`
 * was refused and every bad field.
 */
export function parseKwargs<S extends z.ZodType>(schema: S, kwargs: unknown, owner: string, what?: string): z.output<S> {
  const result = schema.safeParse(kwargs, { reportInput: true });
  if (!result.success) throw new KwargsError(owner, result.error.issues, what, schema);
  return result.data;
}
