/**
 * Paths into this package's own directories (models/, configs/), so the commands' documented
 * `--checkpoint models/...`, `--scenario configs/...` and `--preset configs/agents/...` work from
 * any working directory, a project with bdt-gym installed in node_modules included.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's configs/ directory, whatever the working directory. */
const PACKAGE_CONFIGS_DIR = fileURLToPath(new URL('../configs/', import.meta.url));

/**
 * `path` as given, or, when it is a relative `<dir>/...` that does not exist in the working
 * directory, the file or directory of that name in `packageDir` (this package's own `<dir>/`) when
 * it exists there. The working directory's copy always wins, and a path that exists in neither is
 * returned as given, so a command's error names what the user typed.
 */
export function packageFallbackPath(path: string, dir: string, packageDir: string): string {
  const [first, ...rest] = normalize(path).split(sep);
  if (isAbsolute(path) || first !== dir || rest.length === 0 || existsSync(path)) return path;
  const packaged = join(packageDir, ...rest);
  return existsSync(packaged) ? packaged : path;
}

/** A scenario or preset file `path` as read: a relative configs/... missing here is the package's own ({@link packageFallbackPath}). */
export function configPath(path: string): string {
  return packageFallbackPath(path, 'configs', PACKAGE_CONFIGS_DIR);
}

/** Help text of a scenario or preset file option: where a relative configs/... path is read from. */
export const CONFIGS_FALLBACK_HELP = "a configs/... path not in the working directory is read from the package's configs/";
