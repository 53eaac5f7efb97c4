/**
 * The examples run as users run them (a child process through tsx, small sizes), and what they
 * print is checked: the numbers in their output must show what their comments teach.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs examples/<name>.ts with `args`; returns stdout after asserting a clean exit. */
function runExample(name: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `examples/${name}.ts exited with ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/** The numbers captured by `pattern` in `text` (which must match). */
function numbersOf(text: string, pattern: RegExp): number[] {
  const match = pattern.exec(text);
  assert.ok(match, `output has no match for ${pattern}:\n${text}`);
  return match.slice(1).map(Number);
}

/** A bracketed list of numbers, e.g. "[0.1, 0.2]". */
const listOf = (text: string): number[] => text.split(',').map((x) => Number(x.trim()));

describe('examples', function () {
  this.timeout(120_000); // each spawns tsx and runs a few hundred DPRA slots

  it('refuse a bad number or flag in one line (no stack trace, no silent NaN); --help prints the usage', () => {
    const run = (name: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', `examples/${name}.ts`, ...args], { cwd: root, encoding: 'utf8' });
    for (const [name, args, message] of [
      ['quickstart', ['--slots', 'x'], '--slots: expected an integer >= 1, got "x"\n'],
      ['vector-env', ['--steps', '0'], '--steps: expected an integer >= 1, got "0"\n'],
      ['custom-agent', ['--seeds', ''], '--seeds: expected an integer >= 0, got ""\n'],
      ['custom-agent', ['--seeds', '3-1'], '--seeds: the range "3-1" runs downward; write it 1-3\n'],
      ['lyapunov-tradeoff', ['--v', '1,-2'], '--v: expected a number >= 0, got "-2"\n'],
    ] as const) {
      const result = run(name, ...args);
      assert.equal(result.status, 1, `${name} ${args.join(' ')}`);
      assert.equal(result.stderr, message);
    }
    const help = run('custom-scenario', '--help');
    assert.equal(help.status, 0);
    assert.equal(help.stdout, 'usage: npx tsx examples/custom-scenario.ts [--slots 100] [--seed 7]\n');
    assert.equal(run('custom-scenario', '--bogus').status, 2);
  });

  it("api-in-short: runs, and is the README's 'The API in short' block word for word", () => {
    const code = readFileSync(new URL('../../examples/api-in-short.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(`## The API in short\n\n[examples/api-in-short.ts](examples/api-in-short.ts) (\`npx tsx examples/api-in-short.ts\`):\n\n\`\`\`ts\n${code}\`\`\`\n`), 'README block differs from the example');
    const [slot, latency, c6] = numbersOf(runExample('api-in-short'), /^return -?[\d.]+ over slots 0-(\d+); queues H now [\d., e-]+\nDPRA at V = 50: mean latency ([\d.]+) s, C6 violation ([\d.]+)\n16 envs, 12 devices each\n$/);
    assert.equal(slot, 99);
    // runEpisode's summary is the one `run` prints for the same agent, override and seed
    const run = spawnSync(process.execPath, ['bin/bdt-gym.js', 'run', '--agent', 'dpra', '--seed', '1', '--scenario-override', '{"lyapunov":{"V":50}}', '--json'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { meanLatency: number; c6Violation: number };
    assert.deepEqual([latency, c6], [Number(summary.meanLatency.toFixed(4)), Number(summary.c6Violation.toFixed(4))]);
  });

  it('quickstart: reward is -Psi on every printed slot, DPRA beats random on the same trace', () => {
    const out = runExample('quickstart', '--slots', '30', '--seed', '3');
    assert.match(out, /action space: +Dict\(partition: MultiDiscrete\(\[8, 10, 20, 5, 5, 8, 10, 20, 8, 8, 20, 5\]\), inferenceShare: Box\(0, 1, \[4\], float64\), miningShare: Box\(0, 1, \[3\], float64\)\)/);
    const slotLines = [...out.matchAll(/reward (-?[\d.]+) = -Psi;.*penalty V tau ([\d.]+), drift (-?[\d.]+);/g)];
    assert.equal(slotLines.length, 4, 'three random slots and DPRA first slot described');
    for (const [line, reward, penalty, drift] of slotLines) assert.ok(Math.abs(Number(reward) + Number(penalty) + Number(drift)) <= 2e-3, line);
    const [identityError] = numbersOf(out, /max \|reward \+ V\*chargedLatency \+ drift\| = ([\d.e+-]+)/);
    assert.ok(identityError! < 1e-9, `reward identity off by ${identityError}`);
    const [randomSlots, randomLatency] = numbersOf(out, /random: (\d+) slots, mean latency ([\d.]+) s/);
    const [dpraSlots, dpraLatency] = numbersOf(out, /dpra: (\d+) slots, mean latency ([\d.]+) s/);
    assert.equal(randomSlots, 30);
    assert.equal(dpraSlots, 30);
    assert.ok(dpraLatency! < 0.6 * randomLatency!, `dpra ${dpraLatency} s vs random ${randomLatency} s`);
  });

  it('lyapunov-tradeoff: latency non-increasing and backlog increasing in V; the queue bound holds; latency-greedy breaks C6 more', () => {
    const out = runExample('lyapunov-tradeoff', '--slots', '60', '--seeds', '1', '--v', '0.1,1,10,100');
    const rows = [...out.matchAll(/^ +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$/gm)].map((m) => ({ V: Number(m[1]), latency: Number(m[2]), backlog: Number(m[3]) }));
    assert.deepEqual(rows.map((r) => r.V), [0.1, 1, 10, 100]);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i]!.latency <= rows[i - 1]!.latency * 1.01, `latency rises from V=${rows[i - 1]!.V} to V=${rows[i]!.V}`);
      assert.ok(rows[i]!.backlog > rows[i - 1]!.backlog, `backlog does not grow from V=${rows[i - 1]!.V} to V=${rows[i]!.V}`);
    }
    assert.ok(rows[0]!.latency > 1.2 * rows.at(-1)!.latency, 'a small V costs latency');
    assert.ok(rows.at(-1)!.backlog > 2 * rows[1]!.backlog, 'a large V lets the queues build up');

    // (1/T) sum U_j - U^max <= H_j(T) / T and U^min - (1/T) sum U_j <= G_j(T) / T, for any policy.
    const policies = [...out.matchAll(/^([a-z-]+): latency ([\d.]+) s, C6-violation ([\d.]+)\n {2}avg U +\[(.*)\]\n {2}outside +\[(.*)\]\n {2}queue bound \[(.*)\]$/gm)];
    assert.deepEqual(policies.map((m) => m[1]), ['dpra', 'latency-greedy']);
    for (const [, name, , , , outside, bound] of policies) {
      const b = listOf(bound!);
      listOf(outside!).forEach((x, j) => assert.ok(x <= b[j]! + 1e-4, `${name}: AP ${j} is ${x} outside C6 but its queue bound is ${b[j]}`));
    }
    const [dpraViolation, greedyViolation] = policies.map((m) => Number(m[3]));
    assert.ok(greedyViolation! > 0.02 && greedyViolation! > 2 * dpraViolation!, `latency-greedy ${greedyViolation} vs dpra ${dpraViolation}`);
  });

  it('custom-scenario: profiles the layer spec, names the bad fields, runs the custom scenario', () => {
    const out = runExample('custom-scenario', '--slots', '20');
    const [units, totalMflop] = numbersOf(out, /vibration-cnn: input 98304 bits, (\d+) units, ([\d.]+) MFLOP per data point/);
    const chi = [...out.matchAll(/chi = +([\d.]+) MFLOP +s = +(\d+) bits/g)];
    assert.equal(chi.length, units);
    assert.ok(Math.abs(chi.reduce((a, m) => a + Number(m[1]), 0) - totalMflop!) < 0.01, 'units sum to the total');
    assert.deepEqual(chi.map((m) => Number(m[2])), [256 * 16 * 32, 64 * 32 * 32, 16 * 64 * 32, 4 * 32], 'output bits from the shape arithmetic');
    assert.match(out, /scenario "vibration-plant" is valid: 12 devices, C6 window \[0\.3, 0\.6\], T = 20/);
    assert.match(out, /at gateways\.freq\[1\]: .*\(value: -2000000000\)/);
    assert.match(out, /at devices\.dnn: .*unknown DNN "vibration-cnn-v2"/);
    const [slots, latency] = numbersOf(out, /dpra on "vibration-plant": (\d+) slots, mean latency ([\d.]+) s/);
    assert.equal(slots, 20);
    assert.ok(latency! > 0 && Number.isFinite(latency));
  });

  it('custom-agent: the registered threshold agent refuses a bad option naming itself and the field, and runs in compareAgents, between dpra and random', () => {
    const out = runExample('custom-agent', '--slots', '40', '--seeds', '1-2'); // a range, as the CLI's --seeds takes
    assert.ok(out.startsWith('options refused, as expected:\nagent snr-threshold: invalid options:\n  at thresholdDb: Invalid input: expected number, received string (value: "high")\n\n'), out);
    const rows = new Map(
      [...out.matchAll(/^([a-z-]+) +([\d.]+) ± [\d.]+ +(-?[\d.]+) ± [\d.]+ +([\d.]+) ± [\d.]+ +([\d.]+)$/gm)].map((m) => [m[1]!, { latency: Number(m[2]), vsDpra: Number(m[3]), c6: Number(m[4]) }]),
    );
    assert.deepEqual([...rows.keys()], ['dpra', 'snr-threshold', 'random']);
    const dpra = rows.get('dpra')!;
    const threshold = rows.get('snr-threshold')!;
    const random = rows.get('random')!;
    assert.equal(dpra.vsDpra, 0);
    assert.ok(dpra.latency < threshold.latency && threshold.latency < random.latency, JSON.stringify([...rows]));
    assert.ok(Math.abs(threshold.vsDpra - (threshold.latency - dpra.latency)) < 2e-4, 'paired difference of the means');
    assert.ok(threshold.c6 > dpra.c6, 'ignoring the queues breaks C6');
  });

  it('vector-env: next-step autoreset resets ended envs with reward 0; Dict batches per key; vector wrappers flatten and record episodes', () => {
    const out = runExample('vector-env', '--envs', '3', '--steps', '200', '--seed', '5');
    assert.match(out, /CartPole-v1 x 3: observation Float32Array\(12\), batched space shape \[3, 4\]/);
    const [episodes] = numbersOf(out, /(\d+) episodes finished/);
    const [autoresets, autoresetReward] = numbersOf(out, /autoreset steps: (\d+), their reward sum: ([\d.]+)/);
    assert.ok(episodes! > 3, 'random CartPole episodes are short');
    // every episode but those ending on the last step is followed by one autoreset step
    assert.ok(autoresets! <= episodes! && autoresets! >= episodes! - 3, `${autoresets} autoresets for ${episodes} episodes`);
    assert.equal(autoresetReward, 0);
    assert.match(out, /BDT-v0 x 3: obs\.H Float32Array\(9\) = 3 envs x 3 APs, obs\.arrivals Float32Array\(36\)/);
    const [latencies] = [/mean latency per env \(s\): \[(.*)\]/.exec(out)?.[1]];
    const perEnv = listOf(latencies ?? '');
    assert.equal(perEnv.length, 3);
    assert.equal(new Set(perEnv).size, 3, 'each env has its own seed, hence its own trace');
    assert.deepEqual(numbersOf(out, /truncations after 20 slots: (\d+)/), [3]);
    // a flat row: H, G, apBudget, reputation (J = 3 each), gain, gatewayBudget (M = 4 each), arrivals (N = 12), progress: 33
    assert.match(out, /through vector wrappers: rows Float32Array\(99\) = 3 envs x 33 numbers/);
    assert.deepEqual(numbersOf(out, /episodes recorded: (\d+)/), [6]);
  });
});
