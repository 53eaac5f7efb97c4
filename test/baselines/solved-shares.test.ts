/**
 * SolvedShares (baselines/dpra/solved-shares.ts): a B-DT env whose action is the partition only,
 * the CPU shares solved by DPRA's allocation for it. Checked against the env itself: the shares
 * are the best of the budget-feasible ones for that partition, an episode through the wrapper is
 * the env's episode with the solved actions, and bad actions and envs are refused by name.
 */
import assert from 'node:assert/strict';
import { checkEnv } from '../../env/env-checker.ts';
import { captureWarnings, Dict, GymError, InvalidActionError, make, MultiDiscrete } from '../../env/index.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { createSlotOutcome, evaluateSlot } from '../../env/bdt/slot.ts';
import { ShareSolver, SolvedShares } from '../../baselines/index.ts';

/** A fresh SolvedShares over `id`, with the inner B-DT env. */
function solvedEnv(id: string) {
  const env = new SolvedShares(make(id) as never);
  return { env, bdt: env.unwrapped as BdtEnv };
}

describe('baselines: SolvedShares (the partition learned, the CPU shares solved)', () => {
  it("acts in the env's own partition space, Dict{partition: MultiDiscrete(L_n)}, and passes checkEnv", () => {
    const { env, bdt } = solvedEnv('BDT-v0');
    assert.ok(env.actionSpace instanceof Dict);
    assert.deepEqual(env.actionSpace.keys, ['partition']);
    const partition = env.actionSpace.spaces.partition;
    assert.ok(partition instanceof MultiDiscrete);
    assert.deepEqual(Array.from(partition.nvec), Array.from(bdt.system.unitCount));
    assert.equal(env.observationSpace, bdt.observationSpace);
    // the wrapper is what is checked: Gymnasium's warning about checking a wrapped env is expected
    const { warnings } = captureWarnings(() => checkEnv(new SolvedShares(make('BDT-small-v0') as never) as never));
    assert.deepEqual(warnings.filter((w) => !/is different from its unwrapped version/.test(w)), []);
  });

  it("gives each partition the budget-feasible shares of least Psi: no random shares for it that meet C4 and C5 do better", () => {
    const { env, bdt } = solvedEnv('BDT-small-v0');
    const planned = { ...bdt.system, blockTime: 'expected' as const }; // Psi as the slot is planned, whatever the race draw
    const outcome = createSlotOutcome(bdt.system);
    const psiOf = (action: BdtAction) => evaluateSlot(planned, bdt.slotState, bdt.decodeAction(action), bdt.queues, outcome);
    env.reset({ seed: 3 });
    env.actionSpace.seed(4);
    bdt.actionSpace.seed(5);
    let feasibleDraws = 0;
    for (let t = 0; t < 8; t++) {
      const chosen = env.actionSpace.sample();
      const solved = env.action(chosen);
      assert.deepEqual(Array.from(solved.partition), Array.from(chosen.partition), 'the partition passes through');
      const best = psiOf(solved);
      const bestPsi = best.psi;
      if (best.gatewayViolations + best.apViolations > 0) continue; // no feasible shares to beat
      for (let draw = 0; draw < 200; draw++) {
        const other = { ...bdt.actionSpace.sample(), partition: chosen.partition };
        const result = psiOf(other);
        if (result.gatewayViolations + result.apViolations > 0) continue;
        feasibleDraws++;
        assert.ok(result.psi >= bestPsi - 1e-9 * Math.abs(bestPsi), `slot ${t}, draw ${draw}: random shares reach Psi ${result.psi} below the solved ${bestPsi}`);
      }
      env.step(chosen);
    }
    assert.ok(feasibleDraws > 100, `only ${feasibleDraws} random draws met the budgets: the check compared nothing`);
  });

  it("steps the env with the solved action: the same episode, bit for bit, as the env stepped with ShareSolver's actions", () => {
    const wrapped = solvedEnv('BDT-v0');
    const plain = make('BDT-v0');
    const solver = new ShareSolver();
    wrapped.env.reset({ seed: 7 });
    plain.reset({ seed: 7 });
    wrapped.env.actionSpace.seed(8);
    for (let t = 0; t < 20; t++) {
      const action = wrapped.env.actionSpace.sample();
      const [obsW, rewardW, , , infoW] = wrapped.env.step(action);
      const [obsP, rewardP, , , infoP] = plain.step(solver.toAction(action, plain.unwrapped as BdtEnv));
      assert.equal(rewardW, rewardP, `slot ${t}: rewards differ`);
      assert.deepEqual(obsW, obsP, `slot ${t}: observations differ`);
      assert.equal(infoW['latency'], infoP['latency']);
    }
  });

  it("bestOf plays the candidate whose solved shares rank first by the env's own Psi (budgets met first, then the least Psi)", () => {
    const { env, bdt } = solvedEnv('BDT-v0');
    const planned = { ...bdt.system, blockTime: 'expected' as const };
    const outcome = createSlotOutcome(bdt.system);
    const solver = new ShareSolver();
    env.reset({ seed: 12 });
    env.actionSpace.seed(13);
    let notFirst = 0;
    // ranked by the env's equations on the solved actions, independently of the solver's own bookkeeping
    const rank = (action: BdtAction) => {
      const o = evaluateSlot(planned, bdt.slotState, bdt.decodeAction(action), bdt.queues, outcome);
      return { met: o.gatewayViolations + o.apViolations === 0, psi: o.psi };
    };
    for (let t = 0; t < 30; t++) {
      const candidates = Array.from({ length: 5 }, () => env.actionSpace.sample());
      const chosen = solver.bestOf(candidates, bdt);
      const index = candidates.findIndex((c) => c.partition.join() === chosen.partition.join());
      assert.ok(index >= 0, `slot ${t}: the chosen partition is no candidate's`);
      if (index !== 0) notFirst++;
      const r = rank(chosen);
      // each candidate solved on its own: the same solve as within bestOf (a slot's solve depends on its state, queues and partition only)
      for (const [i, candidate] of candidates.entries()) {
        const other = rank(solver.toAction(candidate, bdt));
        assert.ok(r.met || !other.met, `slot ${t}: candidate ${i} meets the budgets, the chosen ${index} does not`);
        if (r.met === other.met) assert.ok(r.psi <= other.psi, `slot ${t}: candidate ${i} has Psi ${other.psi} below the chosen ${index}'s ${r.psi}`);
      }
      const twice = solver.bestOf([candidates[3]!, candidates[4]!, candidates[3]!], bdt);
      assert.ok([3, 4].some((i) => twice.partition.join() === candidates[i]!.partition.join()));
      env.step(candidates[0]!);
    }
    assert.ok(notFirst > 10, `the best was the first candidate in ${30 - notFirst} of 30 slots: the check tells little`);
    assert.throws(() => solver.bestOf([], bdt), (e: Error) => e instanceof GymError && /^ShareSolver\.bestOf: no candidates$/.test(e.message));
  });

  it('refuses an action outside the partition space, naming the key and index, and an env that is no B-DT env', () => {
    const { env } = solvedEnv('BDT-small-v0');
    env.reset({ seed: 1 });
    const bad = env.actionSpace.sample();
    bad.partition[1] = env.actionSpace.spaces.partition.nvec[1]!;
    assert.throws(() => env.step(bad), (e: Error) => e instanceof InvalidActionError && /^SolvedShares\.step: invalid action: key "partition": element \[1\] = 5 is outside/.test(e.message));
    assert.throws(() => env.step({ partition: new Int32Array(1) }), (e: Error) => e instanceof InvalidActionError && /partition/.test(e.message));
    assert.throws(() => new SolvedShares(make('CartPole-v1') as never), (e: Error) => e instanceof GymError && /^SolvedShares: solves the CPU shares of a B-DT env .*, got .*CartPole/.test(e.message));
  });
});
