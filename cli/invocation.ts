/**
 * How the user started this CLI, as the words to type to start it again, so a command it prints
 * (train's `--resume` after Ctrl-C) runs as pasted: `bdt-gym` only works after `npm link`, and a
 * checkout runs `./bin/bdt-gym.js`.
 */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `npx bdt-gym` (a project's install: npm's `.bin` link, or the script inside `node_modules`,
 * which Windows' cmd shim runs), `bdt-gym` (a linked or global command), the checkout's
 * `./bin/bdt-gym.js`, or `npx tsx cli/main.ts`; from the script path `script` (process.argv[1]),
 * shell-quoted.
 */
export function cliInvocation(script = process.argv[1] ?? '', cwd = process.cwd()): string {
  if (script.includes(`${sep}node_modules${sep}`) && (basename(script) === 'bdt-gym' || script.endsWith(`${sep}bdt-gym${sep}bin${sep}bdt-gym.js`))) return 'npx bdt-gym';
  if (basename(script) === 'bdt-gym') return 'bdt-gym';
  const path = shellQuote(runnablePath(script, cwd));
  return basename(script) === 'bdt-gym.js' ? path : `npx tsx ${path}`;
}

/** `arg` as one word for a POSIX shell: as is when it is safe, else single-quoted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** `script` relative to `cwd` when it lies below it (`./bin/bdt-gym.js`), else as given. */
function runnablePath(script: string, cwd: string): string {
  if (!isAbsolute(script)) return script.startsWith('.') ? script : `.${sep}${script}`;
  const path = relative(cwd, script);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? script : `.${sep}${path}`;
}

/**
 * `path`, relative to the working directory, as the user finds it from where they typed the
 * command: npm runs a script (`npm start`) in the package root whatever directory it was typed in,
 * which it passes as INIT_CWD, so from elsewhere (`cd docs && npm start`) the path is made absolute.
 */
export function pathFromInvocation(path: string, cwd = process.cwd(), initCwd = process.env['INIT_CWD']): string {
  return initCwd === undefined || initCwd === '' || resolve(initCwd) === cwd ? path : resolve(cwd, path);
}
