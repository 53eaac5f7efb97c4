/**
 * The layering rules of docs/ARCHITECTURE.md, checked on the source: env/ and baselines/ stay
 * browser-safe (no Node built-ins) and dependencies point one way (cli -> agents -> baselines -> env).
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Every .ts file under `dir`, relative to the repo root. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return out;
}

/** Module specifiers imported (statically or dynamically) by a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
    specifiers.push(m[1] ?? m[2] ?? m[3] ?? '');
  }
  return specifiers;
}

/** Node's built-in modules, without the `node:` prefix, subpaths included (`fs/promises`). */
const NODE_BUILTINS = new Set(builtinModules);

/** Top-level folder a relative import from `file` lands in, or undefined for packages. */
function targetFolder(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(root, resolve(root, dirname(file), specifier)).split(/[\\/]/)[0];
}

const forbidden: Record<string, string[]> = {
  env: ['baselines', 'agents', 'cli', 'bench', 'node', 'test'],
  baselines: ['agents', 'cli', 'bench', 'node', 'test'],
  agents: ['cli', 'bench', 'test'],
};

describe('layering', () => {
  for (const layer of ['env', 'baselines']) {
    it(`${layer}/ imports no Node built-in module (it must run in a browser)`, () => {
      const offenders = sourceFiles(layer).flatMap((f) =>
        importsOf(f)
          .filter((s) => s.startsWith('node:') || NODE_BUILTINS.has(s) || NODE_BUILTINS.has(s.split('/')[0]!))
          .map((s) => `${f} imports ${s}`),
      );
      assert.deepEqual(offenders, []);
    });
  }

  for (const layer of ['env', 'baselines']) {
    it(`${layer}/ has no dynamic import of a computed specifier (which no check here could follow)`, () => {
      const offenders = sourceFiles(layer).flatMap((f) =>
        [...readFileSync(join(root, f), 'utf8').matchAll(/\bimport\s*\((?!\s*['"])/g)].map((m) => `${f} at offset ${m.index}`),
      );
      assert.deepEqual(offenders, []);
    });
  }

  for (const [layer, banned] of Object.entries(forbidden)) {
    it(`${layer}/ does not depend on ${banned.join(', ')}`, () => {
      const offenders = sourceFiles(layer).flatMap((f) =>
        importsOf(f)
          .filter((s) => banned.includes(targetFolder(f, s) ?? ''))
          .map((s) => `${f} imports ${s}`),
      );
      assert.deepEqual(offenders, []);
    });
  }

  it('the import scanner sees the imports it must police', () => {
    // Guards the checks above against a regex that silently matches nothing.
    const own = importsOf('test/architecture/layering.test.ts');
    assert.ok(own.includes('node:assert') && own.includes('node:fs'), `scanner found ${own.join(', ')}`);
  });
});
