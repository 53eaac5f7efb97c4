/**
 * No command writes an output over its own input: an output path that is (symlinks followed) one
 * of the files the command reads, or lies inside a checkpoint or run directory it reads, is refused
 * before any work with one line naming both options, and the input is left as it was.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const models = fileURLToPath(new URL('../../models/', import.meta.url));

/** Runs `args`, expecting the refusal of `option output` as an input named by `label` at `real`; `file` must be unchanged. */
function refused(args: string[], option: string, output: string, message: RegExp, file: string): void {
  const before = readFileSync(file);
  const result = cli(...args);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, message);
  assert.ok(result.stderr.startsWith(`bdt-gym: --${option} ${output}: `), result.stderr);
  assert.equal(result.stderr.split('\n').length, 2, `one line: ${result.stderr}`);
  assert.deepEqual(readFileSync(file), before, `${file} is unchanged`);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('outputs never overwrite inputs', () => {
  let dir: string;
  let trace: string;
  let scenario: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'bdt-io-')));
    trace = join(dir, 't.json');
    scenario = join(dir, 's.json');
    cpSync(fileURLToPath(new URL('../../configs/default.json', import.meta.url)), scenario);
    const saved = cli('run', '--scenario', scenario, '--agent', 'random', '--slots', '5', '--save-trace', trace);
    assert.equal(saved.status, 0, saved.stderr);
  });

  it('compare --out refuses its --trace and --scenario files, also through a symlink or another spelling', () => {
    refused(['compare', '--agents', 'dpra,random', '--trace', trace, '--slots', '5', '--out', trace], 'out', trace, new RegExp(`is --trace ${escape(trace)} \\(${escape(trace)}\\), which this command reads; writing there would overwrite it; give another --out\\n$`), trace);
    const link = join(dir, 'link.json');
    symlinkSync(trace, link);
    refused(['compare', '--agents', 'random', '--trace', trace, '--slots', '5', '--out', link], 'out', link, /is --trace .*t\.json \(.*t\.json\)/, trace);
    refused(['compare', '--agents', 'random', '--trace', link, '--slots', '5', '--out', `${dir}/./t.json`], 'out', `${dir}/./t.json`, /is --trace .*link\.json \(.*t\.json\)/, trace);
    refused(['compare', '--scenario', scenario, '--agents', 'random', '--slots', '5', '--out', scenario], 'out', scenario, /is --scenario .*s\.json .*give another --out\n$/, scenario);
    // the .incomplete.json beside --out, where a failed run's episodes would go, is named as what it is
    const sibling = join(dir, 'c.incomplete.json');
    cpSync(trace, sibling);
    const out = join(dir, 'c.json');
    refused(['compare', '--agents', 'dpra', '--trace', sibling, '--slots', '5', '--out', out], 'out', out, new RegExp(`^bdt-gym: --out ${escape(out)}: its \\.incomplete\\.json sibling ${escape(sibling)}, where a failed run's episodes go, is --trace ${escape(sibling)} \\(${escape(sibling)}\\), which this command reads; writing there would overwrite it; give another --out\\n$`), sibling);
    assert.equal(existsSync(out), false);
  });

  it('run --save-trace refuses its --scenario file', () => {
    refused(['run', '--scenario', scenario, '--agent', 'dpra', '--slots', '5', '--save-trace', scenario], 'save-trace', scenario, /is --scenario .*s\.json .*give another --save-trace\n$/, scenario);
  });

  it("refuses an output inside a checkpoint the command reads or onto a file of a run it reads: --checkpoint, a checkpoint option, the committed model, a run of curves; a new file beside a run's files is taken", () => {
    const run = join(dir, 'R');
    cpSync(join(models, 'ppo-bdt-v0'), run, { recursive: true });
    const manifest = join(run, 'checkpoint', 'manifest.json');
    const listing = readdirSync(join(run, 'checkpoint'));
    refused(['compare', '--agents', 'dpra,mine', '--checkpoint', `mine=${run}`, '--out', manifest], 'out', manifest, new RegExp(`lies inside --checkpoint mine=${escape(run)}'s checkpoint/ \\(${escape(join(run, 'checkpoint'))}\\), which this command reads; writing there would replace its files; give a path outside it\\n$`), manifest);
    // a new file, through a symlink to the run, in a directory still to be made
    const link = join(dir, 'L');
    symlinkSync(run, link);
    const svg = join(link, 'new', 'x.svg');
    const svg2 = join(link, 'checkpoint', 'new', 'x.svg');
    refused(['sweep-v', '--agent', 'ppo', '--agent-options', JSON.stringify({ checkpoint: run }), '--plot', svg2], 'plot', svg2, /lies inside --agent-options checkpoint .*R's checkpoint\/ \(.*R\/checkpoint\)/, manifest);
    refused(['run', '--agent', 'ppo', '--checkpoint', join(run, 'checkpoint'), '--slots', '3', '--save-trace', join(link, 'summary.json')], 'save-trace', join(link, 'summary.json'), /is --checkpoint .*R\/checkpoint's summary\.json \(.*R\/summary\.json\), which/, join(run, 'summary.json'));
    refused(['compare', '--agents', 'ppo', '--agent-options', JSON.stringify({ ppo: { checkpoint: run } }), '--out', join(run, 'metrics.jsonl')], 'out', join(run, 'metrics.jsonl'), /is --agent-options ppo checkpoint .*R's metrics\.jsonl /, join(run, 'metrics.jsonl'));
    const committed = join(models, 'ppo-bdt-v0', 'checkpoint', 'manifest.json');
    refused(['compare', '--agents', 'dpra,ppo', '--out', committed], 'out', committed, /lies inside the committed model of --agents ppo /, committed);
    assert.deepEqual(readdirSync(join(run, 'checkpoint')), listing, 'nothing was added');
    // a run's best/ and best-eval.json, which a resume with --eval-freq would write, are its own before they exist
    const future = join(run, 'best', 'x.svg');
    refused(['curves', run, '--out', future], 'out', future, /lies inside run .*R's best\/ \(.*R\/best\)/, join(run, 'metrics.jsonl'));
    refused(['compare', '--agents', 'dpra,mine', '--checkpoint', `mine=${run}`, '--out', join(run, 'best-eval.json')], 'out', join(run, 'best-eval.json'), /is --checkpoint mine=.*R's best-eval\.json /, join(run, 'metrics.jsonl'));
    assert.ok(!existsSync(join(run, 'best')) && !existsSync(join(run, 'best-eval.json')));
    // a plot of a run, written into the run, replaces nothing of it
    const curves = cli('curves', run, '--out', svg);
    assert.equal(curves.status, 0, curves.stderr);
    assert.ok(existsSync(join(run, 'new', 'x.svg')));
  });

  it("refuses an output over an --import module, which every command reads (compare --out, run --save-trace and scenario-schema --out replaced it)", () => {
    const module = join(dir, 'mymod.mts');
    writeFileSync(module, 'export const loaded = true;\n');
    const label = new RegExp(`is --import ${escape(module)} \\(${escape(module)}\\), which this command reads; writing there would overwrite it`);
    refused(['--import', module, 'compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '2', '--out', module], 'out', module, label, module);
    refused(['--import', module, 'run', '--env', 'BDT-small-v0', '--slots', '2', '--save-trace', module], 'save-trace', module, label, module);
    refused(['--import', module, 'scenario-schema', '--out', module], 'out', module, label, module);
    // imported as a file: URL, and written through a symlink
    const link = join(dir, 'mymod-link.mts');
    symlinkSync(module, link);
    refused(['--import', pathToFileURL(module).href, 'scenario-schema', '--out', link], 'out', link, new RegExp(`is --import ${escape(pathToFileURL(module).href)} \\(${escape(module)}\\)`), module);
  });

  it('refuses a write-protected --out (0444) before any episode, as root too, and keeps it as it was', () => {
    const out = join(dir, 'protected.json');
    cpSync(scenario, out);
    chmodSync(out, 0o444);
    const result = cli('compare', '--env', 'BDT-small-v0', '--agents', 'random', '--seeds', '1', '--slots', '3', '--out', out);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, '', 'no episode was run');
    assert.equal(result.stderr, `bdt-gym: --out ${out}: cannot replace it: EACCES: ${out} is ${process.getuid?.() === 0 ? 'write-protected (mode 0444, no owner write permission); make it writable (chmod u+w) to replace it' : 'not writable (mode 0444)'}; nothing was changed\n`);
    assert.deepEqual(readFileSync(out), readFileSync(scenario));
    assert.equal(statSync(out).mode & 0o777, 0o444);
  });

  it('takes an output beside the inputs', () => {
    const out = join(dir, 'compare.json');
    const result = cli('compare', '--scenario', scenario, '--agents', 'random', '--trace', trace, '--slots', '5', '--out', out);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(out));
  });
});
