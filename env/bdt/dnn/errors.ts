/** Errors of DNN specs and profiles: each names where (path), what rule, and the value found. */
import type { ZodError } from 'zod';
import { formatPath } from '../../core/format-path.ts';
import { valueAt } from '../../core/zod-issues.ts';

/** A path into a spec, e.g. `['units', 2, 'layers', 0, 'kernel']`. */
export type SpecPath = ReadonlyArray<string | number>;

function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value); // JSON writes NaN and Infinity as null
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** A shape-arithmetic rule broken at `path` (kernel larger than its input, rank mismatch, ...). */
export class DnnShapeError extends Error {
  readonly path: SpecPath;
  readonly rule: string;
  readonly value: unknown;

  constructor(
    path: SpecPath,
    rule: string,
    value: unknown,
  ) {
    super(`at ${formatPath(path)}: ${rule} (got ${formatValue(value)})`);
    this.path = path;
    this.rule = rule;
    this.value = value;
    this.name = 'DnnShapeError';
  }
}

/** A DNN spec that failed validation; one line per issue with path, rule and offending value. */
export class DnnSpecError extends Error {
  /** The issues as `{ path, rule, value }`. */
  readonly issues: ReadonlyArray<{ readonly path: string; readonly rule: string; readonly value: unknown }>;

  constructor(error: ZodError, input: unknown) {
    const issues = error.issues.map((issue) => ({
      path: formatPath(issue.path),
      rule: issue.message,
      // a shape issue carries its value (which need not be in the input); others are read at their path
      value: issue.code === 'custom' && issue.params !== undefined && 'value' in issue.params ? issue.params['value'] : valueAt(input, issue.path),
    }));
    const name = valueAt(input, ['name']);
    const label = typeof name === 'string' ? `DNN spec '${name}'` : 'DNN spec';
    super(`${label} is invalid:\n${issues.map((i) => `  at ${i.path}: ${i.rule} (got ${formatValue(i.value)})`).join('\n')}`);
    this.name = 'DnnSpecError';
    this.issues = issues;
  }
}
