import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A reflection of typedoc's JSON output, as far as these checks read it. */
interface Reflection {
  readonly id: number;
  readonly name: string;
  readonly kind: number;
  readonly comment?: { readonly summary: unknown };
  readonly children?: readonly Reflection[];
  readonly extendedTypes?: readonly { readonly target?: unknown }[];
  readonly implementedTypes?: readonly { readonly target?: unknown }[];
}

/** typedoc's ReflectionKind.Class and ReflectionKind.Interface. */
const CLASS_OR_INTERFACE = [128, 256];

describe('API docs (npm run docs)', () => {
  let status: number | null = null;
  let output = '';
  let project: Reflection | undefined;

  before(function () {
    this.timeout(180_000);
    // the docs into a temporary directory, not docs/api; the JSON form for the checks below
    const out = mkdtempSync(join(tmpdir(), 'api-docs-'));
    const typedoc = fileURLToPath(new URL('bin/typedoc', import.meta.resolve('typedoc/package.json')));
    const run = spawnSync(process.execPath, [typedoc, '--out', join(out, 'html'), '--json', join(out, 'api.json'), '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8' });
    status = run.status;
    // typedoc colours its lines; the escapes are noise in a failure message
    output = `${run.stdout}${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '');
    if (status === 0) project = JSON.parse(readFileSync(join(out, 'api.json'), 'utf8')) as Reflection;
  });

  it('build without a warning: every export is documented, and every symbol a doc comment links to or a public type names is exported', () => {
    assert.equal(status, 0, `typedoc reported:\n${output}`);
  });

  it('every class and interface has a doc comment of its own', () => {
    // typedoc gives an undocumented class the comment of the type it extends or implements, so
    // its notDocumented check passes it: a summary equal to that type's is such a copy
    assert.ok(project, 'typedoc built no JSON (see the test above)');
    const byId = new Map<number, Reflection>();
    const collect = (reflection: Reflection): void => {
      byId.set(reflection.id, reflection);
      reflection.children?.forEach(collect);
    };
    collect(project);
    const copies = [...byId.values()].flatMap((reflection) => {
      if (!CLASS_OR_INTERFACE.includes(reflection.kind) || reflection.comment === undefined) return [];
      const own = JSON.stringify(reflection.comment.summary);
      const bases = [...(reflection.extendedTypes ?? []), ...(reflection.implementedTypes ?? [])].map((type) => (typeof type.target === 'number' ? byId.get(type.target) : undefined));
      return bases.filter((base) => base?.comment !== undefined && JSON.stringify(base.comment.summary) === own).map((base) => `${reflection.name} (the comment of ${base!.name})`);
    });
    assert.deepEqual(copies, [], 'these show the doc comment of the type they extend or implement: write their own');
  });
});
