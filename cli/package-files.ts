/**
 * Paths into this package's own directories (models/, configs/), so the commands' documented
 * `--checkpoint models/...`, `--scenario configs/...` and `--preset configs/agents/...` work from
 * any working directory, a project with bdt-gym installed in node_modules included.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.ts';

/** This package's configs/ directory, whatever the working directory. */
const PACKAGE_CONFIGS_DIR = fileURLToPath(new URL('../configs/', import.meta.url));

/**
 * `path` as given, or, when it is a relative `<dir>/...` that does not exist in the working
 * directory, the file or directory of that name in `packageDir` (this package's own `<dir>/`) when
 * it exists there. The working directory's copy always wins, and a path that exists in neither is
 * returned as given, so a command's error names what the user typed.
 */
export function packageFallbackPath(path: string, dir: string, packageDir: string): string {
  const rest = segmentsUnder(path, dir);
  if (rest === undefined || existsSync(path)) return path;
  const packaged = join(packageDir, ...rest);
  return existsSync(packaged) ? packaged : path;
}

/** The segments of `path` after `dir` when it is a relative `<dir>/...`; undefined for any other path. */
function segmentsUnder(path: string, dir: string): string[] | undefined {
  if (isAbsolute(path)) return undefined;
  const [first, ...rest] = normalize(path).split(sep);
  return first === dir && rest.length > 0 ? rest : undefined;
}

/** A scenario or preset file `path` as read: a relative configs/... missing here is the package's own ({@link packageFallbackPath}). */
export function configPath(path: string): string {
  return packageFallbackPath(path, 'configs', PACKAGE_CONFIGS_DIR);
}

/**
 * {@link configPath}, for reading `source`'s file: a relative configs/... in neither place is a
 * CliError naming the package's files beside where it would be (a typo's likely target), not a
 * bare ENOENT. Other paths are returned as given, for the reader's own errors.
 */
export function readableConfigPath(source: string, path: string): string {
  const found = configPath(path);
  const rest = segmentsUnder(path, 'configs');
  if (rest === undefined || existsSync(found)) return found;
  const packagedDir = dirname(join(PACKAGE_CONFIGS_DIR, ...rest));
  const names = existsSync(packagedDir) ? readdirSync(packagedDir).filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json')).sort() : [];
  const beside = names.length === 0 ? '' : ` (its ${join('configs', ...rest.slice(0, -1))}/ has ${names.join(', ')})`;
  throw new CliError(`${source} ${path}: no such file in the working directory, nor in bdt-gym's configs/${beside}`);
}

/** Help text of a scenario or preset file option: where a relative configs/... path is read from. */
export const CONFIGS_FALLBACK_HELP = "a configs/... path not in the working directory is read from the package's configs/";
