/**
 * Zod validation errors as messages that name each bad field, the rule and the value: for
 * scenarios (`parseScenario`) and for env keyword arguments (`parseKwargs`).
 */
import type { z } from 'zod';
import { GymError } from './errors.ts';

function shortValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value); // NaN and Infinity, which JSON writes as null
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

/**
 * One line per issue: `at <path>: <rule> (value: <value>)` (parse with `reportInput: true` to get
 * the values); an unknown key's line names the key, not the whole object around it.
 */
export function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const branch = matchingBranch(issue);
    if (branch) return issueLines(branch);
    const where = `at ${formatPath(issue.path)}: ${issue.message}`;
    return issue.code === 'unrecognized_keys' ? [where] : [`${where} (value: ${shortValue(issue.input)})`];
  });
}

/** Whether a value of zod type `expected` would be of `value`'s kind (an 'int' is a number). */
function sameKind(expected: string, value: unknown): boolean {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return (expected === 'int' ? 'number' : expected) === kind;
}

/**
 * For a union that failed, the issues of the one branch whose type the value has (say the array
 * branch of "a number or an array of numbers"), at full paths: they name the bad element, where
 * the union's own "Invalid input" names only the whole value. Undefined when no single branch fits.
 */
function matchingBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  const typed = issue.errors.filter((branch) => !branch.some((sub) => sub.path.length === 0 && sub.code === 'invalid_type' && !sameKind(sub.expected, issue.input)));
  if (typed.length !== 1) return undefined;
  return typed[0]!.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] }));
}

/**
 * Keyword arguments (an env's, an agent's options) that `owner` refuses; the message lists every
 * issue with path, rule and value.
 */
export class KwargsError extends GymError {
  constructor(
    /** Who refused them (`BdtEnv`, `agent wdpo`). */
    readonly owner: string,
    /** The zod issues, for programmatic use. */
    readonly issues: readonly z.core.$ZodIssue[],
    /** What was refused (`keyword arguments`, `options`). */
    readonly what = 'keyword arguments',
  ) {
    super(`${owner}: invalid ${what}:\n${issueLines(issues).map((line) => `  ${line}`).join('\n')}`);
  }
}

/**
 * `kwargs` validated by `schema` (defaults applied); throws `KwargsError` naming `owner`, `what`
 * was refused and every bad field.
 */
export function parseKwargs<S extends z.ZodType>(schema: S, kwargs: unknown, owner: string, what?: string): z.output<S> {
  const result = schema.safeParse(kwargs, { reportInput: true });
  if (!result.success) throw new KwargsError(owner, result.error.issues, what);
  return result.data;
}
