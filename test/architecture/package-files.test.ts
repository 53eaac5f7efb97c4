/**
 * What `npm pack` ships (package.json's `files`): everything an installed bdt-gym runs or reads
 * (each `exports` target, the bin, every module the CLI and the entries import, statically, by a
 * literal dynamic import or by URL, the committed models the loader and `curves` read), and
 * none of the repository's own tooling (test/).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');

interface PackageJson {
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string>;
}

/** The files `npm pack` would put in the tarball, relative to the root. */
function packedFiles(): Set<string> {
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  assert.equal(pack.status, 0, `npm pack --dry-run failed:\n${pack.stderr}`);
  const [result] = JSON.parse(pack.stdout) as [{ files: { path: string }[] }];
  return new Set(result.files.map(({ path }) => path));
}

/** A package-relative target (`./configs/*.json`) as the files it names. */
function targetFiles(target: string): string[] {
  const path = target.replace(/^\.\//, '');
  if (!path.includes('*')) return [path];
  const [dir, pattern] = [path.slice(0, path.lastIndexOf('/')), path.slice(path.lastIndexOf('/') + 1)];
  const [prefix, suffix] = pattern.split('*') as [string, string];
  return readdirSync(join(root, dir)).filter((name) => name.startsWith(prefix) && name.endsWith(suffix)).map((name) => `${dir}/${name}`);
}

/**
 * The repository's modules that `entries` reach through imports (esbuild's bundle inputs;
 * type-only imports, which esbuild drops, are covered by shipping their whole directories).
 */
async function importedFiles(entries: string[]): Promise<string[]> {
  const result = await build({ entryPoints: entries.map((entry) => join(root, entry)), bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, outdir: 'out', metafile: true, logLevel: 'silent' });
  return Object.keys(result.metafile.inputs);
}

describe('package files (npm pack)', () => {
  let packed: Set<string>;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

  before(function () {
    this.timeout(120_000);
    packed = packedFiles();
  });

  const missing = (files: string[]) => files.filter((file) => !packed.has(file));

  it('ships every exports target, the bin, the license and the docs the README links to', () => {
    const targets = Object.values(pkg.exports).flatMap(targetFiles);
    assert.ok(targets.includes('configs/default.json'), 'the configs/*.json pattern expands');
    assert.deepEqual(missing([...targets, ...Object.values(pkg.bin).map((bin) => bin.replace(/^\.\//, '')), 'LICENSE', 'README.md', 'CHANGELOG.md', 'docs/GYMNASIUM.md', 'examples/custom-agent.ts']), []);
  });

  it('ships every module the CLI, the entries, the vector worker and the bench suites import', async function () {
    this.timeout(60_000);
    // loaded by URL, not by an import esbuild follows: the async vector env's worker, bench's suites and case process
    const byUrl = ['node/async-vector-worker.ts', 'bench/case-process.ts', ...readdirSync(join(root, 'bench/suites')).map((name) => `bench/suites/${name}`)];
    const entries = ['cli/main.ts', ...Object.values(pkg.exports).filter((target) => target.endsWith('.ts')).map((target) => target.replace(/^\.\//, '')), ...byUrl];
    const imported = await importedFiles(entries);
    assert.ok(imported.includes('cli/commands/train.ts') && imported.includes('configs/small.json'), "the CLI's commands and the JSON they import are reached");
    assert.deepEqual(missing(imported), []);
  });

  it('ships every file of the committed models (the loader reads each checkpoint file; curves reads metrics.jsonl)', () => {
    const models = execFileSync('git', ['ls-files', 'models'], { cwd: root, encoding: 'utf8' }).split('\n').filter((line) => line !== '');
    assert.ok(models.some((file) => file.endsWith('/metrics.jsonl')) && models.some((file) => file.endsWith('/weights.bin')));
    assert.deepEqual(missing(models), []);
  });

  it("ships none of the repository's tests, CI or tool configuration", () => {
    const tooling = [...packed].filter((file) => /^(test|python\/tests|\.ci)\/|^(\.mocharc\.json|typedoc\.json|tsconfig[^/]*\.json)$/.test(file));
    assert.deepEqual(tooling, []);
  });
});
