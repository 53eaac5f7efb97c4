/**
 * The tutorial's worked solutions (examples/solutions/, answered in docs/TUTORIAL-ANSWERS.md) run
 * as a reader runs them, briefly, and what they print must show what the answer key says.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { make, type BdtAction, type BdtInfo, type BdtObservation, type Env } from '../../env/index.ts';
import { createAgent } from '../../baselines/index.ts';
import { registerLearnedAgents } from '../../agents/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs examples/solutions/<name>.ts with `args`; returns stdout after asserting a clean exit. */
function runSolution(name: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `examples/solutions/${name}.ts`, ...args], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `examples/solutions/${name}.ts exited with ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

const listOf = (text: string): number[] => text.split(',').map((x) => Number(x.trim()));

/** Picks a B-DT action; made once per episode on the env it plays. */
type MakePolicy = (env: Env<BdtObservation, BdtAction>) => Promise<(obs: BdtObservation, info: BdtInfo) => BdtAction>;

/**
 * BDT-v0 (T = `slots`, seed `seed`) played by `policy`: per slot, whether the weakest gateway's
 * uplink SNR (obs.gain, dB) is below `fadeDb`, and the latency charged.
 */
async function playSlots(seed: number, slots: number, fadeDb: number, policy: MakePolicy): Promise<{ fade: boolean[]; latency: number[] }> {
  const env: Env<BdtObservation, BdtAction> = make('BDT-v0', { scenario: { slots }, infoLevel: 'summary' });
  const act = await policy(env);
  const played = { fade: [] as boolean[], latency: [] as number[] };
  let [obs, info] = env.reset({ seed });
  for (;;) {
    played.fade.push(Math.min(...obs.gain) < fadeDb);
    const [next, , terminated, truncated, stepInfo] = env.step(act(obs, info as BdtInfo));
    played.latency.push((stepInfo as BdtInfo).chargedLatency);
    if (terminated || truncated) break;
    [obs, info] = [next, stepInfo];
  }
  env.close();
  return played;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('tutorial solutions', function () {
  this.timeout(120_000);

  it('exercise 3: the all-offloaded episode bounds every AP reputation DPRA reaches; an AP below U^min under it is called infeasible, and its G_j grows', () => {
    const out = runSolution('exercise-3-reputation-ceiling', '--slots', '60', '--seed', '7');
    assert.match(out, /^"vibration-plant", seed 7, T = 60, C6 band \[U\^min, U\^max\] = \[0\.35, 0\.6\]\n/);
    const dpraU = listOf(/^dpra: mean latency [\d.]+ s, avg U \[([^\]]*)\]/m.exec(out)![1]!);
    const ceilingU = listOf(/^all offloaded \(wdpo, l_n = 1\): mean latency [\d.]+ s, avg U \[([^\]]*)\], C5/m.exec(out)![1]!);
    assert.equal(dpraU.length, 3);
    // U_j = g(O_j) and O_j is largest with l_n = 1, slot by slot: no policy gets more reputation
    ceilingU.forEach((u, j) => assert.ok(dpraU[j]! <= u + 1e-9, `AP ${j}: dpra ${dpraU[j]} above the ceiling ${u}`));
    const verdicts = [...out.matchAll(/^ {2}AP (\d): ceiling ([\d.]+), dpra ([\d.]+), G_j\(T\) ([\d.]+): (.*)$/gm)];
    assert.equal(verdicts.length, 3);
    for (const [line, , ceiling, dpra, finalG, verdict] of verdicts) {
      assert.equal(verdict!.startsWith('infeasible'), Number(ceiling) < 0.35, line);
      // U^min - avg U_j <= G_j(T) / T for any policy: an AP DPRA leaves below U^min ends with that queue
      assert.ok(Number(finalG) >= 60 * (0.35 - Number(dpra)) - 1e-3, line);
    }
    assert.ok(verdicts.some((m) => m[5]!.startsWith('infeasible')), 'the small vibration CNN leaves one AP below U^min = 0.35');
    const trace = [...out.matchAll(/^ {2}t= +(\d+) {2}G=\[(.*)\]$/gm)];
    assert.deepEqual(listOf(trace[0]![2]!), [0, 0, 0], 'the queues start empty');
  });

  it('exercise 4: the H price keeps the over-reputable AP lower without touching the APs the rule starves; the G price lifts those, and with the H price cuts the C6 violation (the G price alone leaves an AP above U^max at 200 slots: TUTORIAL-ANSWERS.md)', () => {
    const episodesFile = join(mkdtempSync(join(tmpdir(), 'bdt-ex4-')), 'ex4.json');
    const out = runSolution('exercise-4-priced-threshold', '--slots', '60', '--seeds', '1,2', '--h-limits', '0.5', '--g-limit', '1', '--out', episodesFile);
    const rows = new Map(
      [...out.matchAll(/^(.+?) {2,}([\d.]+) ± [\d.]+ +(-?[\d.]+) ± [\d.]+ +([\d.]+) ± [\d.]+ +[\d.]+ +\[(.*)\]$/gm)].map((m) => [m[1]!, { latency: Number(m[2]), vsDpra: Number(m[3]), c6: Number(m[4]), avgU: listOf(m[5]!) }]),
    );
    assert.deepEqual([...rows.keys()], ['dpra', 'threshold', 'priced H>=0.5', 'H>=0.5, G>=1']);
    const row = (label: string) => rows.get(label)!;
    const [dpra, plain, priced, both] = [row('dpra'), row('threshold'), row('priced H>=0.5'), row('H>=0.5, G>=1')];
    assert.equal(dpra.vsDpra, 0);
    assert.ok(plain.latency > dpra.latency && priced.latency > dpra.latency, 'the threshold rule is slower than DPRA, priced or not');
    const busiest = plain.avgU.indexOf(Math.max(...plain.avgU));
    assert.ok(priced.avgU[busiest]! < plain.avgU[busiest]!, `the H price lowers the busiest AP's U (${priced.avgU[busiest]} vs ${plain.avgU[busiest]})`);
    assert.ok(priced.c6 >= plain.c6 - 1e-9, 'C6 is broken below U^min, where an H price cannot help');
    const starved = plain.avgU.flatMap((u, j) => (u < 0.3 ? [j] : []));
    assert.ok(starved.length > 0, 'the rule leaves an AP below U^min');
    for (const j of starved) assert.ok(both.avgU[j]! > plain.avgU[j]!, `the G price lifts AP ${j} (${both.avgU[j]} vs ${plain.avgU[j]})`);
    assert.ok(both.c6 < plain.c6, `both prices cut the C6 violation (${both.c6} vs ${plain.c6})`);
    // --out keeps every episode under its row's label, as compare --out does, so the analysis script pairs any two rows
    const { episodes } = JSON.parse(readFileSync(episodesFile, 'utf8')) as { episodes: Array<{ agent: string; seed: number; summary: { meanLatency: number } }> };
    assert.deepEqual(episodes.map((e) => `${e.agent}/${e.seed}`), [...rows.keys()].flatMap((label) => [`${label}/1`, `${label}/2`]));
    const latencyOf = (label: string) => mean(episodes.filter((e) => e.agent === label).map((e) => e.summary.meanLatency));
    for (const [label, { latency }] of rows) assert.equal(latencyOf(label).toFixed(4), latency.toFixed(4), `${label}: its row's latency is its episodes' mean`);
    const paired = spawnSync(process.execPath, ['--import', 'tsx', 'examples/analysis/paired-differences.ts', episodesFile, 'priced H>=0.5', 'threshold'], { cwd: root, encoding: 'utf8' });
    assert.equal(paired.status, 0, paired.stderr);
    assert.match(paired.stdout, /^priced H>=0\.5 - threshold in .*, paired on 2 trace\(s\): seed 1, seed 2$/m);
  });

  it('exercise 6: the fade slots and DPRA\'s latency in and out of them are those computed here; per-slot excess latency over DPRA splits into fade and other slots, and matches between runs of the same policy', async () => {
    // the committed model twice: the split and the head readout run on a real checkpoint, and a policy minus itself is 0
    const out = runSolution('exercise-6-fade-tail', '--checkpoints', 'a=models/ppo-bdt-v0,b=models/ppo-bdt-v0', '--seeds', '4', '--slots', '30', '--fade-db=5');
    // the fade slots counted here, on random actions: the channel is exogenous, so any policy sees the same gains
    const { fade } = await playSlots(4, 30, 5, async (env) => () => env.actionSpace.sample());
    const fadeSlots = fade.filter(Boolean).length;
    assert.ok(fadeSlots > 0 && fadeSlots < 30, `a threshold that splits the slots (${fadeSlots} of 30 in a fade)`);
    assert.match(out, new RegExp(`^BDT-v0, seeds 4 x 30 slots = 30 slots; deep fade: the weakest gateway's SNR below 5 dB in ${fadeSlots} slots \\(${((100 * fadeSlots) / 30).toFixed(1)}%\\)$`, 'm'));
    // DPRA's latency split by those slots, played here as the script plays it
    const dpra = await playSlots(4, 30, 5, async (env) => {
      const agent = await createAgent<BdtObservation, BdtAction>('dpra', env);
      agent.reset(4);
      return (obs, info) => agent.act(obs, { info, env });
    });
    assert.deepEqual(dpra.fade, fade, 'the gains do not depend on the actions');
    const means = [dpra.latency, dpra.latency.filter((_, t) => fade[t]), dpra.latency.filter((_, t) => !fade[t])].map((xs) => mean(xs).toFixed(4));
    assert.match(out, new RegExp(`^dpra mean latency ${means[0]} s \\(fade slots ${means[1]}, others ${means[2]}\\)$`, 'm'));
    // the committed policy's excess over DPRA, played here
    registerLearnedAgents();
    const ppo = await playSlots(4, 30, 5, async (env) => {
      const agent = await createAgent<BdtObservation, BdtAction>('ppo', env, { checkpoint: join(root, 'models/ppo-bdt-v0') });
      agent.reset(4);
      return (obs, info) => agent.act(obs, { info, env });
    });
    const excess = (where: (t: number) => boolean) => (ppo.latency.reduce((sum, x, t) => (where(t) ? sum + x - dpra.latency[t]! : sum), 0) / 30).toFixed(4);
    const split = [...out.matchAll(/^ {2}([ab]) +(-?[\d.]+) = (-?[\d.]+) \+ (-?[\d.]+)$/gm)];
    assert.deepEqual(split.map((m) => m[1]), ['a', 'b']);
    assert.deepEqual(split[0]!.slice(2).map(Number), [excess(() => true), excess((t) => fade[t]!), excess((t) => !fade[t]!)].map(Number));
    for (const [line, , all, fade, others] of split) assert.ok(Math.abs(Number(all) - Number(fade) - Number(others)) <= 2e-4, line);
    assert.equal(split[0]![2], split[1]![2], 'the same deterministic policy on the same trace');
    assert.match(out, /^a - b, s per slot: all -?0\.0000 = fade -?0\.0000 \+ others -?0\.0000$/m);
    const heads = /^ {2}a +(.*)$/m.exec(out.slice(out.indexOf('partition heads')))![1]!.split(' ');
    assert.equal(heads.length, 12, 'one partition head per DT');
    for (const head of heads) {
      const [, entropy, certain] = /^\d+:([\d.]+)\/([\d.]+)$/.exec(head)!.map(Number);
      assert.ok(entropy! >= 0 && entropy! <= Math.log(20) + 0.01 && certain! >= 0 && certain! <= 1, head);
    }
  });

  it("exercise 6 before the tutorial's training runs: one line naming the missing checkpoint and how to make it, not an agent's stack", () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'bdt-ex6-')), 'ppo-noent');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'examples/solutions/exercise-6-fade-tail.ts', '--checkpoints', `noent=${missing},committed=models/ppo-bdt-v0`, '--seeds', '4', '--slots', '3'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '', 'nothing played');
    assert.equal(
      result.stderr,
      `--checkpoints: noent=${missing}: no such directory; train it first (docs/TUTORIAL.md §8, exercise 6: npx bdt-gym train --preset configs/agents/ppo-bdt.json --hyperparameters '{"entCoef":0}' --steps 200000 --out ${missing}), or play the committed model: --checkpoints committed=models/ppo-bdt-v0\n`,
    );
  });
});
