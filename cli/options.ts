/** Parsing of CLI option values, with errors that name the option and the value. */
import { closeSync, existsSync, lstatSync, openSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { BACKENDS, isBackendName, type BackendName } from '../agents/backend-names.ts';
import { BdtEnv, KwargsError, UnregisteredEnvError, issueLines, make, registeredBdtScenarioIds, registry, spec, type Env, type MakeOptions } from '../env/index.ts';
import { unregisteredEnvHint } from '../env/registration.ts';
import { LIMIT } from '../env/bdt/scenario/limits.ts';
import { ScenarioError } from '../env/bdt/scenario/parse.ts';
import { removeAbandonedTempFilesOf, tempFileFor, writeProtection } from '../node/atomic-write.ts';
import { linkTarget } from '../node/link-target.ts';
import { withoutByteOrderMark } from '../node/byte-order-mark.ts';
import { CliError, issuesUnder } from './errors.ts';
import { importedModules, importHint } from './user-modules.ts';
import { STDIN } from './json-files.ts';
import { configPath } from './package-files.ts';
import { duplicateKeyMessage, firstDuplicateKey } from './duplicate-json-keys.ts';

/**
 * Makes each of `command`'s options that takes a value refuse one starting with `--`: commander
 * takes the word after the option whatever it is, so `run --seed --slots 2` read "--slots" as the
 * seed and refused the 2 as "too many arguments", naming neither. No value of ours starts with --
 * (a number, a file, JSON); a CliError names the option.
 */
export function refuseOptionsAsValues(command: Command): void {
  for (const option of command.options) {
    if (!option.required && !option.optional) continue; // a flag takes no value
    const parse = option.parseArg;
    const placeholder = option.long === undefined ? '' : ` ${option.flags.slice(option.flags.indexOf(option.long) + option.long.length).trim()}`;
    option.argParser((value: string, previous: unknown) => {
      if (value.startsWith('--')) throw new CliError(`${option.long ?? option.flags}: expected its value${placeholder}, got ${JSON.stringify(value)} (an option's value cannot start with --)`);
      return parse === undefined ? value : parse(value, previous);
    });
  }
}

/** A number in decimal: digits with an optional point and exponent (no hex, octal, binary or Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A number option satisfying `check` (described by `rule`), or a CliError naming it. Only decimal
 * literals are taken (`--seed 0x10` would run seed 16), and none that a double cannot hold (1e-400
 * would read as 0, 1e400 as Infinity).
 */
export function numberOption(name: string, value: string, check: (x: number) => boolean, rule: string): number {
  const text = value.trim();
  const x = Number(text);
  const refused = (why: string): CliError => new CliError(`--${name}: expected ${rule}, got ${JSON.stringify(value)}${why}`);
  if (text !== '' && !DECIMAL.test(text)) throw refused(' (write numbers in decimal)');
  const nonZeroDigits = /[1-9]/.test(text.replace(/e.*$/i, ''));
  if (!Number.isFinite(x) || (x === 0 && nonZeroDigits)) throw refused(` (beyond the range of a double: it reads as ${x})`);
  if (text === '' || !check(x)) throw refused('');
  return x;
}

/**
 * An integer option >= `min`, or a CliError naming it. Integers beyond Number.MAX_SAFE_INTEGER are
 * refused: they do not survive parsing (9007199254740993 reads as ...992) and seed + 1 may equal seed.
 */
export function integerOption(name: string, value: string, min: number): number {
  const x = numberOption(name, value, (n) => Number.isInteger(n) && n >= min, `an integer >= ${min}`);
  if (!Number.isSafeInteger(x)) throw new CliError(`--${name}: expected an integer <= ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER; larger ones are not represented exactly), got ${JSON.stringify(value)}`);
  return x;
}

/**
 * `seed + maxOffset` (the largest seed a command derives from `--<name>`) is a safe integer, or a
 * CliError naming the option, the value, what uses the seeds and the largest seed that fits.
 */
export function checkSeedRange(name: string, seed: number, maxOffset: number, what: string): void {
  if (!Number.isSafeInteger(seed + maxOffset)) {
    throw new CliError(`--${name} ${seed}: ${what} use seeds up to ${seed} + ${maxOffset}, beyond Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER}); give --${name} <= ${Number.MAX_SAFE_INTEGER - maxOffset}`);
  }
}

/**
 * `--slots`: an episode length T a scenario takes (1 to LIMIT.slots), or a CliError naming the
 * option (the scenario's own check would name its field, `slots`, after the command began).
 */
export function slotsOption(value: string): number {
  const slots = integerOption('slots', value, 1);
  if (slots > LIMIT.slots) throw new CliError(`--slots: expected an integer from 1 to ${LIMIT.slots} (the longest episode a scenario takes), got ${JSON.stringify(value)}`);
  return slots;
}

/**
 * A comma-separated list of integers >= `min` and inclusive ranges of them (`1,4-13`: 1, 4, 5,
 * ..., 13), distinct unless `repeats` (seeds of traces: a repeated one would count one trace
 * twice; agents' seeds on given traces may repeat).
 */
export function integerList(name: string, value: string, min: number, { repeats = false } = {}): number[] {
  return parsedList(name, value, 'integers', (item) => integerItems(name, item, min), repeats);
}

/**
 * `values` as {@link integerList} reads them, runs of three or more consecutive integers as
 * ranges: `[1, 4, 5, 6, 7, 9]` is `1, 4-7, 9`, so a title naming `--seeds 14-33` stays one line.
 */
export function integerRanges(values: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${values[i]}-${values[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(values[k]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** The most integers one range of {@link integerList} expands to (a typo such as 1-1000000000 would fill memory). */
const MAX_RANGE_LENGTH = 100_000;

/** One item of {@link integerList}: an integer, or the integers of a range `first-last`. */
function integerItems(name: string, item: string, min: number): number[] {
  // digits on both sides: a leading '-' is a negative integer, refused by integerOption as one
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
  if (range === null) return [integerOption(name, item, min)];
  const first = integerOption(name, range[1]!, min);
  const last = integerOption(name, range[2]!, min);
  if (last < first) throw new CliError(`--${name}: the range ${JSON.stringify(item)} runs downward; write it ${last}-${first}`);
  if (last - first + 1 > MAX_RANGE_LENGTH) throw new CliError(`--${name}: the range ${JSON.stringify(item)} holds ${last - first + 1} integers; a range holds at most ${MAX_RANGE_LENGTH}`);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** A comma-separated list of distinct numbers satisfying `check` (described by `rule`), each parsed as {@link numberOption} parses one. */
export function numberList(name: string, value: string, check: (x: number) => boolean, rule: string): number[] {
  return parsedList(name, value, 'numbers', (item) => [numberOption(name, item, check, rule)], false);
}

/** A comma-separated list of file names (trimmed), which may repeat; an empty item is a CliError naming the option, as in a list of numbers. */
export function fileList(name: string, value: string): string[] {
  return parsedList(name, value, 'files', (item) => [item], true);
}

/**
 * The values of a comma-separated list, each item parsed by `parse` into one value or more (a
 * range); an empty item, or a repeated value unless `repeats`, is a CliError naming the option.
 */
function parsedList<T>(name: string, value: string, what: string, parse: (item: string) => T[], repeats: boolean): T[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new CliError(`--${name}: expected a comma-separated list of ${what}, got ${JSON.stringify(value)}`);
  const list = items.flatMap(parse);
  if (repeats) return list;
  const seen = new Set<T>();
  for (const x of list) {
    if (seen.has(x)) throw new CliError(`--${name}: ${x} appears twice; give each value once`);
    seen.add(x);
  }
  return list;
}

/**
 * `--env`: the registered env id `id` names, as `make` resolves it (an unversioned id is its latest
 * version, with a warning), or a CliError naming `source` (where the id came from), saying what is
 * near and listing the registered ones; `command` is the command line after `--import <module>`
 * in the hint on registering an id of one's own.
 */
export function registeredEnvOption(id: string, source = '--env', command?: string): string {
  try {
    return spec(id).id;
  } catch (error) {
    if (!(error instanceof UnregisteredEnvError)) throw error;
    const hint = unregisteredEnvHint(id);
    throw new CliError(`${source}: unknown env ${JSON.stringify(id)}${hint === undefined ? '' : `. ${hint}`} (registered: ${[...registry.keys()].join(', ')})${importHint('env id', command)}`);
  }
}

/** Where env keyword arguments were written, for the messages of {@link makeOrCliError}. */
export interface EnvKwargsSource {
  /** What gave them: `--env-kwargs`, `--preset <file>`, a run's summary.json. */
  readonly source: string;
  /** Their path in it: `['envKwargs']` in a preset or a summary.json; none (the default) in an option or a manifest's scenario. */
  readonly kwargsPath?: readonly string[];
  /** The scenario's path in it; default: `scenario` under `kwargsPath` (none for a --scenario-override, which is the scenario). */
  readonly scenarioPath?: readonly string[];
  /** How messages name the env; default: its id (`--scenario my.json` for the internal id of a scenario file). */
  readonly envName?: string;
}

/**
 * `make(id, kwargs, options)`, with kwargs env `id` refuses (a KwargsError, a ScenarioError) as a
 * one-line CliError naming their source, the id, and each bad field by its path where it was
 * written (`--preset p.json: BDT-v0: at envKwargs.scenario.slots: ...`). `id` is registered
 * (see {@link registeredEnvOption}).
 */
export function makeOrCliError(id: string, kwargs: Record<string, unknown> | undefined, { source, kwargsPath = [], scenarioPath = [...kwargsPath, 'scenario'], envName = id }: EnvKwargsSource, options?: MakeOptions): Env {
  try {
    return make(id, kwargs, options);
  } catch (error) {
    if (error instanceof KwargsError) throw new CliError(`${source}: ${envName}: ${issuesUnder(issueLines(error.issues, error.schema), kwargsPath)}`);
    if (error instanceof ScenarioError) {
      // its message's lines after the first (`invalid scenario:`), formatted with the scenario's schema: what a union's branches expect
      const issues = error.issues.length > 0 ? issuesUnder(error.message.split('\n').slice(1).map((line) => line.trim()), scenarioPath) : `${scenarioPath.length > 0 ? `${scenarioPath.join('.')}: ` : ''}${error.message}`;
      throw new CliError(`${source}: ${envName}: ${issues}`);
    }
    throw error;
  }
}

/**
 * Whether registered id `id` makes a B-DT env: an id of `registerBdtScenario` without making
 * anything; any other id is made and closed (its entry point is a function), so it may throw.
 */
export function isBdtId(id: string): boolean {
  if (registeredBdtScenarioIds().includes(id)) return true;
  const env = make(id, {}, { disableEnvChecker: true });
  const bdt = env.unwrapped instanceof BdtEnv;
  env.close();
  return bdt;
}

/**
 * {@link isBdtId}, with an id whose env cannot be made without keyword arguments (its entry point
 * throws) a one-line CliError, `cannotMake(why)`, not an internal error with a stack.
 */
export function isBdtIdOrCliError(id: string, cannotMake: (why: string) => string): boolean {
  try {
    return isBdtId(id);
  } catch (error) {
    throw new CliError(cannotMake(error instanceof Error ? error.message : String(error)));
  }
}

/** `--env` of a command that needs the B-DT model: a registered B-DT id, or a CliError listing them. */
export function bdtEnvOption(givenId: string): string {
  const id = registeredEnvOption(givenId);
  const bdt = isBdtIdOrCliError(id, (why) => `--env: ${id} cannot be made without keyword arguments, so it is no B-DT env a command can make: ${why}`);
  if (!bdt) throw new CliError(`--env: ${id} is not a B-DT env (B-DT ids: ${registeredBdtScenarioIds().join(', ')})`);
  return id;
}

/** `--backend`: starts the named TensorFlow.js backend (the fastest available when undefined), or a CliError saying why not. */
export async function backendOption(name: string | undefined): Promise<BackendName> {
  if (name !== undefined && !isBackendName(name)) throw new CliError(`--backend: unknown backend ${JSON.stringify(name)} (available: ${BACKENDS.join(', ')})`);
  try {
    const { initBackend } = await import('../agents/backend.ts');
    return await initBackend(name);
  } catch (error) {
    throw new CliError(`--backend: ${(error as Error).message}`);
  }
}

/**
 * A file or directory a command reads, which none of its outputs may overwrite ({@link checkNotAnInput}).
 */
export interface CommandInput {
  /** How the refusal names it: the option and its value as given, e.g. `--trace t.json`, `--checkpoint mine=R`. */
  readonly label: string;
  readonly path: string;
  /** A checkpoint or run directory: no output may lie inside it (it would replace a file of the checkpoint or run). */
  readonly directory?: boolean;
  /** A place the command's input owns even while it does not exist (a run's best/, written later by train). */
  readonly reserved?: boolean;
}

/** The input files of option `option` (none when absent), as {@link CommandInput}s. */
export function fileInputs(option: string, ...files: (string | undefined)[]): CommandInput[] {
  // stdin (-) is no file an output could overwrite, though a file named - may lie here
  return files.flatMap((file) => (file === undefined || file === STDIN ? [] : [{ label: `${option} ${file}`, path: file }]));
}

/** The `--scenario` file (none when absent) as a {@link CommandInput}, at the path it is read from ({@link configPath}: maybe the package's configs/). */
export function scenarioInputs(file: string | undefined): CommandInput[] {
  return file === undefined || file === STDIN ? [] : [{ label: `--scenario ${file}`, path: configPath(file) }];
}

/**
 * Why an output option refuses `-`: the commands that write a file print their own output (a
 * table, a summary) on stdout, so `-` would mix the two; a file named `-` was written instead.
 */
export const NOT_STDOUT = '- is not stdout here, where the command prints its own output';

/**
 * Refuses, before any work is done, an output path that cannot take the file (the results would
 * be computed, then lost at the write): empty, an existing directory, one that names a directory
 * (`out/`, `out/.`), a write-protected file, or a file that cannot be created there (a name too
 * long, a file in the way, a read-only mount). A command then refuses, once it knows what it
 * reads, an output over one of its inputs with {@link checkNotAnInput}.
 */
export function checkOutputPath(option: string, path: string | undefined): void {
  if (path === undefined) return;
  if (path === '') throw new CliError(`--${option}: give a file name`);
  if (path === '-') throw new CliError(`--${option} -: ${NOT_STDOUT}; give a file name (./- for a file named -)`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`--${option} ${path}: is a directory; give a file name`);
  // the write would make the file at `out`, not in it (extname ignores the slash: `v.svg/` passed as SVG)
  if (path.endsWith('/') || path.endsWith(sep) || ['.', '..'].includes(basename(path))) throw new CliError(`--${option} ${path}: names a directory; give a file name`);
  checkCanCreateFile(option, path);
}

/**
 * Refuses an output path that would overwrite what the command reads: one that resolves (symlinks
 * followed, as writeFileAtomic follows them) to an input file, or lies inside an input directory.
 * The write would come after the command read its inputs, so nothing would fail; the input would
 * be silently replaced by the output (`compare --trace t.json --out t.json`). Inputs that do not
 * exist are left to the command's own error. The `--import` modules are every command's inputs
 * (`--import ./mine.mts compare --out mine.mts` replaced the user's module).
 */
export function checkNotAnInput(option: string, path: string | undefined, inputs: readonly CommandInput[], { subject = `--${option} ${path}:` }: NotAnInputOptions = {}): void {
  if (path === undefined) return;
  const target = writtenPath(path);
  for (const input of [...inputs, ...importInputs()]) {
    if (!input.reserved && !existsSync(input.path)) continue;
    const real = writtenPath(input.path); // an existing input's real path, a reserved one's to be
    if (input.directory) {
      const rel = relative(real, target);
      if (rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..')) throw new CliError(`${subject} lies inside ${input.label} (${real}), which this command reads; writing there would replace its files; give a path outside it`);
    } else if (real === target) {
      throw new CliError(`${subject} is ${input.label} (${real}), which this command reads; writing there would overwrite it; give another --${option}`);
    }
  }
}

/** How {@link checkNotAnInput} names the output. */
export interface NotAnInputOptions {
  /** What the message says is the input, for a path derived from the option's (default `--<option> <path>:`, the path as given). */
  readonly subject?: string;
}

/** The `--import` modules that are files, as inputs. */
function importInputs(): CommandInput[] {
  return importedModules().flatMap(({ specifier, path }) => (path === undefined ? [] : [{ label: `--import ${specifier}`, path }]));
}

/** Whether two output paths name one file (by `./`, `..` or a symbolic link), which the second write would replace. */
export function sameWrittenFile(a: string, b: string): boolean {
  return writtenPath(a) === writtenPath(b);
}

/**
 * The real path writeFileAtomic replaces for `path`: an existing file's real path; for a chain of
 * symlinks to a missing file, the chain's end; for a new file, the real path of the nearest
 * existing ancestor joined with the rest (so `link-to-dir/x` and `dir/x` are one file).
 */
function writtenPath(path: string): string {
  try {
    const abs = linkTarget(resolve(path));
    if (lstatSync(abs, { throwIfNoEntry: false }) !== undefined) return realpathSync(abs);
    const rest = [basename(abs)];
    let dir = dirname(abs);
    while (!existsSync(dir) && dirname(dir) !== dir) {
      rest.unshift(basename(dir));
      dir = dirname(dir);
    }
    return join(realpathSync(dir), ...rest);
  } catch {
    return resolve(path); // unreadable on the way (EACCES), a loop of symlinks: the write will say so
  }
}

/**
 * `checkOutputPath` for a figure: the plots are SVG (vega renders no raster image without a native
 * canvas), so a name such as plot.png, which would hold SVG, is refused, as is a name without .svg
 * (a mistyped run's summary.json is not overwritten).
 */
export function checkSvgPath(option: string, path: string | undefined): void {
  checkOutputPath(option, path);
  if (path !== undefined && extname(path).toLowerCase() !== '.svg') throw new CliError(`--${option} ${path}: figures are written as SVG; give a file name ending in .svg`);
}

/**
 * Refuses a write-protected existing file (writeFileAtomic would refuse it after the work), and
 * creates and removes a file where writeFileAtomic will create one: for an existing file its temp
 * file, in the file's directory; for a new file (or what a dangling symlink points to) a temp file
 * in the nearest existing directory on its path. Only creating it tells: permission bits do not
 * (root may write anywhere, yet nothing can be created in /proc or on a read-only mount).
 */
function checkCanCreateFile(option: string, path: string): void {
  const existing = existsSync(path) ? statSync(path) : undefined;
  if (existing !== undefined && !existing.isFile()) return; // a device or FIFO is written through, not replaced
  if (existing !== undefined) {
    const refusal = writeProtection(realpathSync(path), existing);
    if (refusal !== undefined) throw new CliError(`--${option} ${path}: cannot replace it: ${refusal.message}`);
    const dir = dirname(realpathSync(path));
    const why = probeFileCreation(probeFileIn(dir));
    if (why !== undefined) throw new CliError(`--${option} ${path}: cannot create a file in ${dir} (${why})`);
    return;
  }
  let link: string | undefined; // the end of a dangling chain of symlinks, where writeFileAtomic creates the file
  try {
    link = lstat(path)?.isSymbolicLink() ? linkTarget(path) : undefined;
  } catch (error) {
    throw new CliError(`--${option} ${path}: cannot create the file (${(error as Error).message})`); // a loop
  }
  const target = link ?? path;
  const why = whyNoNewFile(target);
  if (why !== undefined) throw new CliError(`--${option} ${path}: cannot create ${link === undefined ? 'the file' : `${link}, where the symlink points`} (${why})`);
}

/** The longest file name, in bytes, that common file systems take (NAME_MAX on Linux). */
const NAME_MAX = 255;

/**
 * Why no file can be created at missing path `file`, or undefined when one can: each missing
 * name on its path must fit NAME_MAX, and the nearest existing ancestor must be a directory that
 * takes a file. The missing directories are not made to find out: another command writing into
 * the same new directory might lose it when the probe removed it again.
 */
function whyNoNewFile(file: string): string | undefined {
  const missing: string[] = [];
  let dir = resolve(file);
  for (; lstat(dir) === undefined && dirname(dir) !== dir; dir = dirname(dir)) missing.push(basename(dir));
  const tooLong = missing.find((name) => Buffer.byteLength(name) > NAME_MAX);
  if (tooLong !== undefined) return `ENAMETOOLONG: name too long: a name on the path has ${Buffer.byteLength(tooLong)} bytes, more than the ${NAME_MAX} a file name takes`;
  // each name fits, yet the whole path may not (PATH_MAX), nor the temp file written beside it: lstat tells (lstat above took that for missing)
  const abs = resolve(file);
  const bytes = Buffer.byteLength(abs);
  if (lstatError(abs) === 'ENAMETOOLONG') return `ENAMETOOLONG: name too long: the path has ${bytes} bytes, more than a path may have`;
  if (lstatError(tempFileFor(abs)) === 'ENAMETOOLONG') return `ENAMETOOLONG: name too long: the path has ${bytes} bytes, too many for the temp file written beside it`;
  if (!(existsSync(dir) && statSync(dir).isDirectory())) return 'ENOTDIR: not a directory';
  return probeFileCreation(probeFileIn(dir));
}

/** `lstatSync(path)`, or undefined when nothing can be found there (missing, a name too long, a file on the way). */
function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The code lstat fails with at `path` (ENOENT, ENAMETOOLONG, ...), or undefined when there is something there. */
function lstatError(path: string): string | undefined {
  try {
    lstatSync(path);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/**
 * Refuses, before any work, an existing output directory `dir` in which no file can be created (a
 * run directory made read-only: `train --resume` trained, then failed to save its checkpoint),
 * probed by creating and removing a file there; and a directory still to be made that cannot be
 * (under a file, say), probed as a new file at its place (`whyNoNewFile`: a directory is made where
 * a file can be), without making it: another run started into the same new parent would find it
 * made, or lose it.
 */
export function checkCanCreateFilesIn(option: string, dir: string): void {
  if (!existsSync(dir)) {
    const why = whyNoNewFile(dir);
    if (why !== undefined) throw new CliError(`--${option} ${dir}: cannot create the directory (${why})`);
    return;
  }
  const why = probeFileCreation(probeFileIn(dir));
  if (why !== undefined) throw new CliError(`--${option} ${dir}: cannot create files there (${why})`);
}

/**
 * What the probes write, by name: a probe's file is a temp file of a write of it (node/atomic-write.ts,
 * named after its process), so one a kill left (made, not yet removed) is removed by the next probe
 * in its directory, or a run directory's clean-up, once its process is gone.
 */
const PROBE_TARGET = '.bdt-gym-probe';

/** A uniquely named file in `dir`, to probe with; the files of killed probes there are removed first. */
function probeFileIn(dir: string): string {
  const target = join(dir, PROBE_TARGET);
  removeAbandonedTempFilesOf(target);
  return tempFileFor(target);
}

/**
 * Creates new file `file` (exclusively) in its existing directory, then removes it: undefined when
 * that worked, else why not (`EROFS: read-only file system`).
 */
function probeFileCreation(file: string): string | undefined {
  try {
    closeSync(openSync(file, 'wx'));
    rmSync(file, { force: true });
    return undefined;
  } catch (error) {
    return systemErrorText(error);
  }
}

/** A system error as `CODE: what it means` (`EROFS: read-only file system`), without the call and path Node's message adds. */
export function systemErrorText(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  // Node's message reads `CODE: what, syscall 'path'`
  return code === undefined ? String(error) : (new RegExp(`^${code}: [^,]+`).exec(message)?.[0] ?? code);
}

/** A JSON-object option (`{}` when absent), or a CliError naming it. */
export function jsonObjectOption(name: string, given: string | undefined): Record<string, unknown> {
  if (given === undefined) return {};
  // a value read from a file ("$(cat override.json)") may start with its byte order mark, as files do
  const value = withoutByteOrderMark(given);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new CliError(`--${name}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`--${name}: expected a JSON object, got ${value}`);
  const duplicate = firstDuplicateKey(value);
  if (duplicate !== undefined) throw new CliError(`--${name}: ${duplicateKeyMessage(duplicate)}`);
  return parsed as Record<string, unknown>;
}
