/**
 * Where a worker thread finds tsx's loader APIs, to register them before it imports TypeScript
 * sources (AsyncVectorEnv's workers, the CLI's `--jobs` workers).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The URL of the ESM build of tsx's `api` (`'esm'`: the ESM loader; `'cjs'`: the CommonJS one); require.resolve gives the CommonJS build, whose paths break in eval workers. */
export function tsxApiUrl(kind: 'esm' | 'cjs'): string {
  return pathToFileURL(createRequire(import.meta.url).resolve(`tsx/${kind}/api`).replace(/\.cjs$/, '.mjs')).href;
}
