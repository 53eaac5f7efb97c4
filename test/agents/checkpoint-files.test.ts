/**
 * What a killed save leaves is found and restored, never lost; a file of a checkpoint that is not
 * a regular file is refused by name instead of crashing or blocking the reader.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { make, setWarningHandler } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { CheckpointError, loadCheckpoint, readManifest } from '../../agents/checkpoint/checkpoint.ts';
import { checkpointDirOf } from '../../agents/checkpoint/checkpoint-dir.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { savePpoCheckpoint } from '../../agents/ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { resumedRunManifest, trainRun } from '../../agents/run/train-run.ts';
import { rewriteCheckpoint } from './rewrite-checkpoint.ts';

/** A process id no process has (above Linux's largest pid_max, 2^22). */
const DEAD_PID = 2 ** 22 + 12345;

describe('agents/checkpoint: interrupted saves and odd files', function () {
  this.timeout(60_000);
  let dir: string;
  let trainer: PpoTrainer;
  before(async () => {
    await initBackend('wasm');
    const hp = PpoHyperparametersSchema.parse({ numEnvs: 1, numSteps: 16, hidden: [8], totalTimesteps: 256 });
    trainer = new PpoTrainer({ hp, seed: 3, makeEnv: () => make('CartPole-v1') });
    trainer.iterate();
  });
  after(() => trainer.dispose());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-ckpt-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const save = (path: string) => savePpoCheckpoint(path, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: make('CartPole-v1').actionSpace }, 3);

  it('a save killed between its renames: loading names the checkpoint it left, a resume restores it, the next save tidies up', async () => {
    const checkpoint = join(dir, 'checkpoint');
    await save(checkpoint);
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    // what the kill left: the old checkpoint moved aside, the new one complete but not moved in,
    // and a third save's new checkpoint killed before its manifest was written
    cpSync(checkpoint, join(dir, `.checkpoint.tmp-${DEAD_PID}-2000`), { recursive: true });
    rmSync(join(dir, `.checkpoint.tmp-${DEAD_PID}-2000`, 'manifest.json'));
    cpSync(checkpoint, join(dir, `.checkpoint.tmp-${DEAD_PID}-1000`), { recursive: true });
    renameSync(checkpoint, join(dir, `.checkpoint.old-${DEAD_PID}-1000`));

    assert.throws(() => readManifest(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${checkpoint} does not exist; a save into it was interrupted and left a complete checkpoint at ${join(dir, `.checkpoint.tmp-${DEAD_PID}-1000`)}: train --resume restores it, or move it to ${checkpoint}`);

    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    try {
      assert.equal(resumedRunManifest(dir).algo, 'ppo');
    } finally {
      setWarningHandler(previous);
    }
    assert.deepEqual(warnings, [`--resume: ${checkpoint} was missing after an interrupted save; restored it from ${join(dir, `.checkpoint.tmp-${DEAD_PID}-1000`)}`]);
    await loadCheckpoint(checkpoint).then((loaded) => Object.values(loaded.networks).forEach((model) => model.dispose()));

    await save(checkpoint);
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint', 'metrics.jsonl'], 'the dead saves\' leftovers are removed');
  });

  it('an interrupted save whose new checkpoint is incomplete falls back to the old one', () => {
    const checkpoint = join(dir, 'checkpoint');
    mkdirSync(join(dir, `.checkpoint.tmp-${DEAD_PID}-5`));
    return save(checkpoint).then(() => {
      renameSync(checkpoint, join(dir, `.checkpoint.old-${DEAD_PID}-4`));
      mkdirSync(join(dir, `.checkpoint.tmp-${DEAD_PID}-6`));
      assert.throws(() => readManifest(checkpoint), new RegExp(`left a complete checkpoint at ${join(dir, `.checkpoint.old-${DEAD_PID}-4`).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    });
  });

  it("a leftover with this process's pid but no save under way is an earlier process's (a container's pid after a restart), so it is found", async () => {
    const checkpoint = join(dir, 'checkpoint');
    await save(checkpoint);
    const left = join(dir, `.checkpoint.tmp-${process.pid}-7`);
    renameSync(checkpoint, left);
    assert.throws(() => readManifest(checkpoint), (e: Error) => e.message.includes(`left a complete checkpoint at ${left}`));
  });

  it("a resume restores the best checkpoint a killed save left too, the one best-eval.json describes; trainRun without resume refuses a run whose checkpoint an interrupted save left", async () => {
    const checkpoint = join(dir, 'checkpoint');
    const best = join(dir, 'best');
    await save(checkpoint);
    await save(best);
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    // a best save killed between its renames: the old best (which best-eval.json, written after the
    // renames, still describes) moved aside, a newer one not yet in place
    const oldStep = readManifest(best).counters.globalStep;
    renameSync(best, join(dir, `.best.old-${DEAD_PID}-3`));
    trainer.iterate();
    await save(join(dir, `.best.tmp-${DEAD_PID}-3`));
    renameSync(checkpoint, join(dir, `.checkpoint.old-${DEAD_PID}-3`));
    await assert.rejects(
      trainRun({ agent: 'ppo', envId: 'CartPole-v1', steps: 32, seed: 1, outDir: dir, evalEpisodes: 0 }),
      (e: Error) => e instanceof CheckpointError && e.message === `trainRun: ${checkpoint} holds the checkpoint an interrupted save left at ${join(dir, `.checkpoint.old-${DEAD_PID}-3`)}; continue it with resume: true (which restores it), or give another outDir`,
    );
    const previous = setWarningHandler(() => {});
    try {
      resumedRunManifest(dir);
    } finally {
      setWarningHandler(previous);
    }
    assert.equal(readManifest(best).counters.globalStep, oldStep, 'the best that best-eval.json describes');
    await save(best);
    assert.deepEqual(readdirSync(dir).sort(), ['best', 'checkpoint', 'metrics.jsonl']);
  });

  it('trainRun without resume refuses a run that kept only its best checkpoint (a new run replaced it); evaluate RUN says where it is', async () => {
    await save(join(dir, 'best'));
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    const why = `it was stopped before it saved its checkpoint, but kept its best one in ${join(dir, 'best')} (evaluate or compare that with --checkpoint); --resume cannot continue it: give another --out`;
    await assert.rejects(trainRun({ agent: 'ppo', envId: 'CartPole-v1', steps: 32, seed: 1, outDir: dir, evalEpisodes: 0 }), (e: Error) => e instanceof CheckpointError && e.message === `trainRun: ${dir} holds a run's best checkpoint, ${join(dir, 'best')}, which a new run would replace; evaluate or compare it with --checkpoint, and give another outDir`);
    assert.throws(() => readManifest(checkpointDirOf(dir)), (e: Error) => e.message === `checkpoint ${join(dir, 'checkpoint')} does not exist (${dir} holds a run with none: ${why})`);
  });

  it('a leftover whose pid a later process took (pid 1 after a container restart) is a dead save\'s, so a resume restores it; one the running process may be writing is named, and no message says to remove the run', async function () {
    if (!existsSync('/proc/1/stat')) this.skip(); // Linux's /proc tells when pid 1 started
    const checkpoint = join(dir, 'checkpoint');
    await save(checkpoint);
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    // made at 1000 ms after the epoch, long before the pid 1 running now started
    const dead = join(dir, '.checkpoint.old-1-1000');
    renameSync(checkpoint, dead);
    assert.throws(() => readManifest(checkpoint), (e: Error) => e.message.includes(`left a complete checkpoint at ${dead}`));
    // made now: pid 1, running since before, may be writing it
    const live = join(dir, `.checkpoint.old-1-${Date.now()}`);
    renameSync(dead, live);
    const why = `a save of its checkpoint left a complete one at ${live}, and process 1, which may be that save, is running: if it is not a training of this run, move ${live} to ${checkpoint}, and --resume continues the run`;
    assert.throws(() => readManifest(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${checkpoint} does not exist (${dir} holds a run with none: ${why})`);
    assert.throws(() => resumedRunManifest(dir), (e: Error) => e instanceof CheckpointError && e.message === `--resume: no checkpoint in ${checkpoint} (${dir} holds a run with none: ${why})`);
    assert.ok(existsSync(live), 'a save that may be under way is left alone');
    renameSync(live, dead);
    const previous = setWarningHandler(() => {});
    try {
      assert.equal(resumedRunManifest(dir).algo, 'ppo');
    } finally {
      setWarningHandler(previous);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint', 'metrics.jsonl']);
  });

  it("a save's recent sibling whose running pid seems to have started after it is left to that save: the wall clock may have stepped forward since", async function () {
    if (!existsSync('/proc/1/stat')) this.skip();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      // named 30 s "before" the child started, as a clock stepped forward since the save began shows it
      const recent = join(dir, `.checkpoint.tmp-${child.pid}-${Date.now() - 30_000}`);
      const old = join(dir, `.checkpoint.tmp-${child.pid}-1000`);
      mkdirSync(recent);
      mkdirSync(old);
      await save(join(dir, 'checkpoint'));
      assert.deepEqual(readdirSync(dir).sort(), [basename(recent), 'checkpoint'].sort(), 'the save tidied only the old sibling, long before its pid started');
    } finally {
      child.kill();
    }
  });

  it('a symlinked checkpoint directory is followed: the save replaces its target and keeps the link, and an interrupted one is found beside the target', async () => {
    const store = join(dir, 'store');
    const target = join(store, 'checkpoint');
    await save(target);
    mkdirSync(join(dir, 'run'));
    const link = join(dir, 'run', 'checkpoint');
    symlinkSync(target, link);
    const before = readManifest(target).counters.globalStep;
    trainer.iterate();
    await save(link);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link is kept');
    assert.equal(readManifest(target).counters.globalStep, trainer.counters.globalStep);
    assert.notEqual(trainer.counters.globalStep, before);
    assert.deepEqual(readdirSync(store), ['checkpoint'], 'the save went beside the target, and tidied up there');
    // a save killed between its renames: the link dangles, its target's old checkpoint is beside it
    const left = join(store, `.checkpoint.old-${DEAD_PID}-1`);
    renameSync(target, left);
    assert.throws(() => readManifest(link), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${link} is a symbolic link to ${target}, which does not exist; a save into it was interrupted and left a complete checkpoint at ${left}: train --resume restores it, or move it to ${target}`);
    const previous = setWarningHandler(() => {});
    try {
      resumedRunManifest(join(dir, 'run'));
    } finally {
      setWarningHandler(previous);
    }
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.deepEqual(readdirSync(store), ['checkpoint']);
  });

  it('a dangling symbolic link or a loop of them is named as such, not as a missing checkpoint', () => {
    const dangling = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), dangling);
    assert.throws(() => readManifest(dangling), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${dangling} is a symbolic link to ${join(dir, 'nowhere')}, which does not exist`);
    // a chain of links is named by its end
    const chain = join(dir, 'chain');
    symlinkSync('dangling', chain);
    assert.throws(() => readManifest(chain), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${chain} is a symbolic link to ${join(dir, 'nowhere')}, which does not exist`);
    const loop = join(dir, 'loop');
    symlinkSync(join(dir, 'loop2'), loop);
    symlinkSync(loop, join(dir, 'loop2'));
    assert.throws(() => readManifest(loop), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${loop} is a loop of symbolic links (ELOOP)`);
  });

  it('a save whose manifest no load would take (a counter run past 2^53 - 1) is refused, leaving the checkpoint it would replace as it was (a resume replaced it with one nothing loaded)', async () => {
    // DQN's gradient-step count: PPO's iteration must agree with its globalStep, so a resume refuses one run past 2^53 - 1 at load
    const run = { agent: 'dqn', envId: 'CartPole-v1', seed: 1, outDir: dir, evalEpisodes: 0, hyperparameters: { numEnvs: 1, learningStarts: 8, trainFrequency: 4, batchSize: 4, bufferSize: 64, hidden: [8] } } as const;
    await trainRun({ ...run, steps: 32 });
    const checkpoint = join(dir, 'checkpoint');
    rewriteCheckpoint(checkpoint, (m) => (m['counters'].gradientSteps = Number.MAX_SAFE_INTEGER));
    const before = readdirSync(checkpoint).map((name) => existsSync(join(checkpoint, name, 'weights.bin')) ? readFileSync(join(checkpoint, name, 'weights.bin')) : name);
    const manifest = readFileSync(join(checkpoint, 'manifest.json'));
    await assert.rejects(trainRun({ ...run, steps: 64, resume: true }), (e: Error) => e instanceof CheckpointError && e.message.startsWith(`saveCheckpoint: refused to replace ${checkpoint}, which is left as it was: its new manifest would be invalid:\n  at counters.gradientSteps: Too big: expected int to be <=9007199254740991 (value: 9007199254740992)`));
    assert.deepEqual(readFileSync(join(checkpoint, 'manifest.json')), manifest);
    assert.deepEqual(readdirSync(checkpoint).map((name) => existsSync(join(checkpoint, name, 'weights.bin')) ? readFileSync(join(checkpoint, name, 'weights.bin')) : name), before);
    assert.equal(readManifest(checkpoint).counters['gradientSteps'], Number.MAX_SAFE_INTEGER);
  });

  it("a checkpoint file that is a loop of links or a dangling link is named as such, not as missing", async () => {
    const checkpoint = join(dir, 'checkpoint');
    await save(checkpoint);
    const network = readdirSync(checkpoint).find((name) => existsSync(join(checkpoint, name, 'weights.bin')))!;
    const weights = join(checkpoint, network, 'weights.bin');
    rmSync(weights);
    symlinkSync(join(dir, 'w2'), weights);
    symlinkSync(weights, join(dir, 'w2'));
    await assert.rejects(loadCheckpoint(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${checkpoint} holds a loop of symbolic links (ELOOP) at ${network}/weights.bin`);
    const manifest = join(checkpoint, 'manifest.json');
    rmSync(manifest);
    symlinkSync(join(dir, 'gone.json'), manifest);
    assert.throws(() => readManifest(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${checkpoint} holds a symbolic link to ${join(dir, 'gone.json')}, which does not exist, at manifest.json`);
    rmSync(manifest);
    assert.throws(() => readManifest(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${checkpoint} has no manifest.json`);
  });

  it("a run's checkpoint/ that is a dangling link or a loop is named as such by --resume and evaluate RUN, never as a run that has none (whose advice, remove the run, would lose it)", () => {
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    const checkpoint = join(dir, 'checkpoint');
    symlinkSync(join(dir, 'unmounted', 'checkpoint'), checkpoint);
    const dangling = `checkpoint ${checkpoint} is a symbolic link to ${join(dir, 'unmounted', 'checkpoint')}, which does not exist`;
    assert.throws(() => readManifest(checkpointDirOf(dir)), (e: Error) => e instanceof CheckpointError && e.message === dangling);
    assert.throws(() => resumedRunManifest(dir), (e: Error) => e instanceof CheckpointError && e.message === `--resume: ${dangling}`);
    rmSync(checkpoint);
    symlinkSync(join(dir, 'other'), checkpoint);
    symlinkSync(checkpoint, join(dir, 'other'));
    assert.throws(() => resumedRunManifest(dir), (e: Error) => e instanceof CheckpointError && e.message === `--resume: checkpoint ${checkpoint} is a loop of symbolic links (ELOOP)`);
  });

  it("a network's model.json may name no weights file but its checksummed weights.bin (another was read unchecked: a FIFO blocked forever)", async () => {
    const checkpoint = join(dir, 'checkpoint');
    await save(checkpoint);
    const network = readdirSync(checkpoint).find((name) => existsSync(join(checkpoint, name, 'weights.bin')))!;
    const modelFile = join(checkpoint, network, 'model.json');
    const model = JSON.parse(readFileSync(modelFile, 'utf8'));
    model.weightsManifest[0].paths = ['weights.bin', 'extra.bin'];
    writeFileSync(modelFile, JSON.stringify(model));
    rewriteCheckpoint(checkpoint);
    execFileSync('mkfifo', [join(checkpoint, network, 'extra.bin')]);
    await assert.rejects(loadCheckpoint(checkpoint), (e: Error) => e instanceof CheckpointError && e.message.includes('names weights files ["weights.bin","extra.bin"]; a checkpoint\'s network has one, ["weights.bin"]'));
  });

  it('a directory, a FIFO or a device where a file belongs is refused by name (it crashed, or blocked forever)', async () => {
    const checkpoint = join(dir, 'checkpoint');
    await save(checkpoint);
    const state = join(checkpoint, 'state.bin');
    rmSync(state);
    mkdirSync(state);
    await assert.rejects(loadCheckpoint(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint file ${state} is not a regular file (a directory)`);
    rmSync(state, { recursive: true });
    execFileSync('mkfifo', [state]);
    await assert.rejects(loadCheckpoint(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint file ${state} is not a regular file (a FIFO)`);
    const manifest = join(checkpoint, 'manifest.json');
    rmSync(manifest);
    execFileSync('ln', ['-s', '/dev/zero', manifest]);
    assert.throws(() => readManifest(checkpoint), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint file ${manifest} is not a regular file (a device or socket)`);
    assert.ok(existsSync(checkpoint));
  });
});
