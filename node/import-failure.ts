/**
 * What went wrong when a module of the user's failed to load, as one message naming where it
 * threw (`file:line:column`): `bdt-gym --import`'s and AsyncVectorEnv's recipe imports'.
 */
import { spawnSync } from 'node:child_process';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file that `url` was loaded from, or undefined when it is none. */
export function modulePath(url: string): string | undefined {
  return url.startsWith('file:') ? fileURLToPath(url) : undefined;
}

/**
 * An import failure: where it happened (`file:line:column: `, when known), the error's class and
 * its message, whose further lines (a ScenarioError's issues, an esbuild error's place) are kept,
 * indented; the stack stays out. `path` is the module's file.
 */
export function importFailure(error: unknown, path: string | undefined): string {
  if (!(error instanceof Error)) return `the module threw ${String(error)}`;
  const [first = '', ...rest] = error.message.split('\n').filter((line) => line.trim() !== '');
  const message = [`${error.name}: ${first}`, ...rest.map((line) => (/^\s/.test(line) ? line : `  ${line}`))].join('\n');
  // a syntax error's place, which Node puts before a CommonJS module's stack, names the file at fault
  const place = (error instanceof SyntaxError ? sourcePlace(stackPreamble(error)) : undefined) ?? userFrame(error, path) ?? (error instanceof SyntaxError ? sourcePlace(checkedSyntax(path)) : undefined);
  if (place === undefined) return message;
  return `${place.at}: ${message}${place.source === undefined ? '' : `\n${place.source}`}`;
}

/** Where an import failed: `file:line[:column]`, and for a syntax error the source line with a caret, indented. */
interface FailurePlace {
  readonly at: string;
  readonly source?: string;
}

/** Directories of bdt-gym's own code, whose stack frames are not where a user's module went wrong. */
const BDT_GYM_CODE = ['agents', 'baselines', 'bin', 'cli', 'env', 'node'].map((dir) => join(dirname(dirname(fileURLToPath(import.meta.url))), dir, sep));

/**
 * The place (`file:line:column`) of the first frame of `error`'s stack in the user's code: the
 * module's file `path`, or a file that is neither bdt-gym's code nor Node's nor a package's (a
 * module of the user's that the module imports).
 */
function userFrame(error: Error, path: string | undefined): FailurePlace | undefined {
  for (const line of (error.stack ?? '').split('\n')) {
    const frame = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!frame) continue;
    const file = filePath(frame[1]!);
    if (file === path || (isAbsolute(file) && !file.includes(`${sep}node_modules${sep}`) && !BDT_GYM_CODE.some((dir) => file.startsWith(dir)))) return { at: `${file}:${frame[2]}:${frame[3]}` };
  }
  return undefined;
}

/** What precedes the error's name in its stack: the `file:line`, source line and caret Node puts there for a CommonJS module's syntax error. */
function stackPreamble(error: Error): string | undefined {
  const stack = error.stack ?? '';
  return stack.startsWith(`${error.name}:`) ? undefined : stack.split('\n\n')[0];
}

/**
 * What `node --check` says of the syntax of the JavaScript file `path`: an ES module's syntax error
 * has no place in its stack, but `--check` prints it as for a CommonJS one (not for a syntax error
 * in a module it imports, which it does not read).
 */
function checkedSyntax(path: string | undefined): string | undefined {
  if (path === undefined || !/\.[cm]?js$/.test(path)) return undefined;
  const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  return check.status === 0 ? undefined : check.stderr?.split('\n\n')[0];
}

/** Source lines longer than this are left out of a syntax error's place (a minified file's). */
const MAX_SOURCE_LINE = 200;

/**
 * A syntax error's place from Node's lines for it (`file:line`, the source line, a caret under the
 * column): `file:line:column`, and the source line and caret, indented.
 */
function sourcePlace(lines: string | undefined): FailurePlace | undefined {
  const [place, source, caret] = lines?.split('\n') ?? [];
  const where = place === undefined ? undefined : /^(.+):(\d+)$/.exec(place);
  if (!where) return undefined;
  const at = `${filePath(where[1]!)}:${where[2]}`;
  const column = caret?.indexOf('^') ?? -1;
  if (source === undefined || column < 0 || source.length > MAX_SOURCE_LINE) return { at };
  return { at: `${at}:${column + 1}`, source: `    ${source}\n    ${caret!.trimEnd()}` };
}

/** A stack's file, a path or a `file:` URL, as a path. */
function filePath(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}
