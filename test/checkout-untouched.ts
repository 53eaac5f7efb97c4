/**
 * Mocha root hooks (.mocharc.json `require`): the run must leave the checkout's results/ as it
 * found it. `compare` writes there by default (results/compare.json, in the package root whatever
 * the working directory), so a test that runs it without `--out` replaced what the developer's own
 * `npm start` had written; the run now fails, naming the file, instead.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const RESULTS = resolve(import.meta.dirname, '..', 'results');

/** Every file directly in results/ with its bytes (compare writes one small JSON file). */
function snapshot(): Map<string, Buffer> {
  if (!existsSync(RESULTS)) return new Map();
  return new Map(readdirSync(RESULTS, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => [entry.name, readFileSync(join(RESULTS, entry.name))]));
}

let before = new Map<string, Buffer>();

export const mochaHooks = {
  beforeAll(): void {
    before = snapshot();
  },
  afterAll(): void {
    const after = snapshot();
    const unchanged = (name: string) => {
      const [was, is] = [before.get(name), after.get(name)];
      return was !== undefined && is !== undefined && was.equals(is);
    };
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((name) => !unchanged(name));
    if (changed.length > 0) throw new Error(`the test run changed ${changed.map((name) => join(RESULTS, name)).join(', ')}: a test ran compare without --out (give it a file under tmpdir())`);
  },
};
