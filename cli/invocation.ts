/**
 * How the user started this CLI, as the words to type to start it again, so a command it prints
 * (train's `--resume` after Ctrl-C) runs as pasted: `bdt-gym` only works after `npm link`, and a
 * checkout runs `./bin/bdt-gym.js`.
 */
import { basename, isAbsolute, relative, sep } from 'node:path';

/** `npx bdt-gym`, `bdt-gym`, `./bin/bdt-gym.js` (relative to the working directory) or `npx tsx cli/main.ts`, from the script path `script` (process.argv[1]). */
export function cliInvocation(script = process.argv[1] ?? '', cwd = process.cwd()): string {
  const name = basename(script);
  if (name === 'bdt-gym' || name === 'bdt-gym.cmd') return script.includes(`${sep}node_modules${sep}.bin${sep}`) ? 'npx bdt-gym' : 'bdt-gym';
  const path = runnablePath(script, cwd);
  return name === 'bdt-gym.js' ? path : `npx tsx ${path}`;
}

/** `script` relative to `cwd` when it lies below it (`./bin/bdt-gym.js`), else as given. */
function runnablePath(script: string, cwd: string): string {
  if (!isAbsolute(script)) return script.startsWith('.') ? script : `.${sep}${script}`;
  const path = relative(cwd, script);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? script : `.${sep}${path}`;
}
