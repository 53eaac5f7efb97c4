/**
 * `bdt-gym --import <module>` (repeatable): modules of the user's, imported before the command
 * runs, so that the agents (`registerAgent`) and env ids (`registerBdtScenario`, `register`) they
 * add are the CLI's too.
 * A module imports bdt-gym as any code does (`import { registerAgent } from 'bdt-gym/baselines'`);
 * it shares this process's registries, since Node loads each module once. A `.ts` module works:
 * the CLI runs under tsx.
 *
 * A path (`./mine.ts`, `../x/mine.ts`, `/abs/mine.ts`) is resolved from the working directory,
 * as every path option is; a package name too, as Node's own `--import` resolves it, and else
 * from bdt-gym's own location (its node_modules and those above it); a URL (`file:`, `node:`) is
 * imported as given.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registryCopies } from '../env/registration.ts';
import { importFailure, modulePath } from '../node/import-failure.ts';
import { CliError } from './errors.ts';

export const IMPORT_OPTION_HELP = 'import this module before the command runs, e.g. one that registers an agent (registerAgent) or a scenario\'s env id (registerBdtScenario); a path (./mine.ts) is relative to the working directory; repeatable';

/** A module `--import` loaded: as the user gave it, the URL it was imported from, and its file (a package's resolved). */
export interface ImportedModule {
  readonly specifier: string;
  readonly url: string;
  /** Undefined for a module that is no file (`node:` builtins, `data:` URLs). */
  readonly path?: string;
}

const imported: ImportedModule[] = [];

/** The modules `--import` loaded, in order (results record them: what they registered came from there). */
export function importedModules(): readonly ImportedModule[] {
  return imported;
}

/**
 * Imports, in a worker thread (`--jobs`), the modules the main thread imported
 * ({@link importedModules}); a module that fails there only (it throws off the main thread) is a
 * one-line CliError naming it, as on the main thread.
 */
export async function reimportUserModules(modules: readonly ImportedModule[]): Promise<void> {
  for (const { specifier, url, path } of modules) {
    try {
      await import(url);
    } catch (error) {
      throw new CliError(`--import ${specifier}: ${importFailure(error, path)} (in a worker thread of --jobs; the main thread imported it)`);
    }
  }
}

/** Imports each module in turn, or throws a one-line CliError naming the one that failed and why. */
export async function importUserModules(specifiers: readonly string[]): Promise<void> {
  for (const specifier of specifiers) await importUserModule(specifier);
}

async function importUserModule(specifier: string): Promise<void> {
  let url = specifier;
  if (/^\.\.?[\\/]/.test(specifier) || isAbsolute(specifier)) {
    const path = resolve(specifier);
    // Node's own message would say the module was not found "imported from cli/user-modules.ts"
    if (!existsSync(path)) throw new CliError(`--import ${specifier}: no such file ${path}`);
    url = pathToFileURL(path).href;
  } else if (existsSync(specifier)) {
    // Node would look for a package of that name
    throw new CliError(`--import ${specifier}: a bare name is a package name; for the file in the working directory, give --import ./${specifier}`);
  } else if (!/^[a-z][a-z\d+.-]*:/i.test(specifier)) {
    url = resolvePackage(specifier);
  }
  const copies = registryCopies();
  const path = modulePath(url);
  try {
    await import(url);
  } catch (error) {
    throw new CliError(`--import ${specifier}: ${importFailure(error, path)}`);
  }
  imported.push({ specifier, url, ...(path === undefined ? {} : { path }) });
  // what it registered went to that copy, so the command would say "unknown agent" of it
  if (registryCopies() > copies) {
    throw new CliError(
      `--import ${specifier}: the module loaded a second copy of bdt-gym, whose registrations this command cannot see: most likely Node loaded it as CommonJS (no "type": "module" in its package.json; name it .mts or add "type": "module"), or it imports another install of bdt-gym than the one running this command`,
    );
  }
}

/**
 * The URL a package name leads to: from the working directory first, as Node's own `--import`
 * resolves it (a file: or `npm link` install of bdt-gym is a symlink, and Node resolves from its
 * real path, the checkout, which does not see the project's node_modules); else from bdt-gym's
 * location, as any of bdt-gym's imports is.
 */
function resolvePackage(specifier: string): string {
  const places = [process.cwd(), dirname(dirname(fileURLToPath(import.meta.url)))];
  for (const place of places) {
    const resolved = resolveFrom(place, specifier);
    if ('url' in resolved) return resolved.url;
    // a package that is there but exports no such entry is no reason to look elsewhere
    if (!(resolved.code === 'ERR_MODULE_NOT_FOUND' && resolved.message.startsWith('Cannot find package '))) {
      throw new CliError(`--import ${specifier}: ${resolved.code}: ${resolved.message}`);
    }
  }
  const [workingDirectory, bdtGym] = places;
  throw new CliError(`--import ${specifier}: no such package in the node_modules of the working directory (${workingDirectory}), of bdt-gym (${bdtGym}) or of a directory above either`);
}

/**
 * Node's resolution of a package name from `directory` (ESM conditions, `exports`), by a second
 * Node: `import.meta.resolve` takes a parent only under --experimental-import-meta-resolve.
 */
function resolveFrom(directory: string, specifier: string): { url: string } | { code: string; message: string } {
  const script = 'let answer; try { answer = { url: import.meta.resolve(process.argv[1], process.argv[2]) } } catch (error) { answer = { code: error.code, message: error.message } } console.log(JSON.stringify(answer))';
  const parent = pathToFileURL(join(directory, '/')).href;
  // after --: a specifier such as -h is the script's argument, not an option of that Node
  const child = spawnSync(process.execPath, ['--experimental-import-meta-resolve', '--input-type=module', '--eval', script, '--', specifier, parent], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const answer = child.stdout?.trim().split('\n').at(-1);
  if (child.status !== 0 || answer === undefined || answer === '') {
    throw new CliError(`--import ${specifier}: resolving it from ${directory} failed: ${child.error?.message ?? child.stderr.trim()}`);
  }
  return JSON.parse(answer) as { url: string } | { code: string; message: string };
}

/**
 * The end of an unknown-agent or unknown-env-id message: how to bring one of the user's own into
 * the CLI. `command` is how the command line goes on after `--import <module>`.
 */
export function importHint(kind: 'agent' | 'env id', command = '<command> ...'): string {
  const how = kind === 'agent' ? 'registerAgent(name, {description, create})' : 'registerBdtScenario(id, scenario)';
  return `; for an ${kind} of your own, call ${how} in a module and load it with bdt-gym --import <module> ${command}`;
}
