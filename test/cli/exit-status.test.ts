/** The exit statuses, documented in one place: README.md's "Exit status" table, and `bdt-gym --help`. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

/** README.md's Exit status table as [statuses, when] pairs, its Markdown taken out. */
function readmeStatuses(): Array<[string, string]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Exit status\n'), readme.indexOf('\n## ', readme.indexOf('\n## Exit status\n') + 1));
  return section
    .split('\n')
    .filter((line) => /^\| \d/.test(line))
    .map((line) => {
      const [status, when] = line.slice(2, -2).split(/ \| (?=[a-z])/);
      return [status!.replaceAll(',', ''), when!.replaceAll('`', '').replaceAll('\\|', '|')];
    });
}

/** The root help's Exit status section as [statuses, when] pairs, its wrapped lines joined. */
function helpStatuses(help: string): Array<[string, string]> {
  const section = help.slice(help.indexOf('\nExit status:\n') + '\nExit status:\n'.length);
  const entries: Array<[string, string]> = [];
  for (const line of section.trimEnd().split('\n')) {
    const entry = /^ {2}(\d[\d ]*?) {2,}(.*)$/.exec(line);
    if (entry) entries.push([entry[1]!, entry[2]!]);
    else entries[entries.length - 1]![1] += ` ${line.trim()}`;
  }
  return entries;
}

describe('bdt-gym exit statuses', () => {
  it('bdt-gym --help ends with the exit statuses README.md gives (they were written nowhere in one place)', () => {
    const help = cli('--help');
    assert.equal(help.status, 0, help.stderr);
    const documented = readmeStatuses();
    assert.deepEqual(documented.map(([status]) => status), ['0', '1', '70', '130 143 129', '141']);
    assert.deepEqual(helpStatuses(help.stdout), documented);
    assert.doesNotMatch(cli('train', '--help').stdout, /Exit status/, "the root help's alone");
  });

  it('a usage error exits 1, as documented', () => {
    const unknown = cli('run', '--no-such-option');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown option '--no-such-option'/);
    assert.equal(cli('--version').status, 0);
  });
});
