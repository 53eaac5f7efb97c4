/**
 * CartPole-v1 against Gymnasium's dynamics to 1e-9, on two references (the tests need no Python):
 * 1. literal states produced by Gymnasium 1.3.0's own CartPoleEnv (numpy 2.4, float64 state).
 *    To regenerate a case, in Python with gymnasium installed:
 *      import numpy as np, gymnasium as gym
 *      env = gym.make("CartPole-v1").unwrapped; env.reset(seed=0)
 *      env.state = np.array(start, dtype=np.float64)
 *      for a in actions: env.step(a); print(env.state.tolist())
 *    (stepping past termination only warns), reading the states after steps 1, 10, 25 and 40
 *    and the first step whose `terminated` is true;
 * 2. `gymnasiumStep` below, an independent transcription of the same Python, run against the env
 *    on random starts and action sequences.
 */
import assert from 'node:assert/strict';
import { CartPoleEnv, captureWarnings, makeRng } from '../../env/index.ts';

type State = [number, number, number, number];

/** gymnasium CartPoleEnv.step, transcribed from the Python source (euler integrator). */
function gymnasiumStep(state: State, action: number): [State, boolean] {
  const gravity = 9.8;
  const masscart = 1.0;
  const masspole = 0.1;
  const total_mass = masspole + masscart;
  const length = 0.5;
  const polemass_length = masspole * length;
  const force_mag = 10.0;
  const tau = 0.02;
  const theta_threshold_radians = (12 * 2 * Math.PI) / 360;
  const x_threshold = 2.4;
  let [x, x_dot, theta, theta_dot] = state;
  const force = action === 1 ? force_mag : -force_mag;
  const costheta = Math.cos(theta);
  const sintheta = Math.sin(theta);
  const temp = (force + polemass_length * Math.pow(theta_dot, 2) * sintheta) / total_mass;
  const thetaacc = (gravity * sintheta - costheta * temp) / (length * (4.0 / 3.0 - (masspole * Math.pow(costheta, 2)) / total_mass));
  const xacc = temp - (polemass_length * thetaacc * costheta) / total_mass;
  x = x + tau * x_dot;
  x_dot = x_dot + tau * xacc;
  theta = theta + tau * theta_dot;
  theta_dot = theta_dot + tau * thetaacc;
  const terminated = x < -x_threshold || x > x_threshold || theta < -theta_threshold_radians || theta > theta_threshold_radians;
  return [[x, x_dot, theta, theta_dot], terminated];
}

const TOLERANCE = 1e-9;

function assertClose(actual: readonly number[], expected: readonly number[], where: string): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= TOLERANCE, `${where}[${i}]: ${v} vs ${expected[i]} (diff ${Math.abs(v - expected[i]!)})`));
}

/** Steps the env from `start` through `actions`, returning states after each step, rewards, terminated flags. */
function rollout(start: State, actions: number[]) {
  const env = new CartPoleEnv();
  env.state = start;
  const states: State[] = [];
  const rewards: number[] = [];
  const terminated: boolean[] = [];
  captureWarnings(() => {
    for (const a of actions) {
      const [obs, reward, term] = env.step(a);
      const s = env.state!;
      assert.deepEqual(Array.from(obs), s.map(Math.fround), 'observation is the float32 cast of the float64 state');
      states.push(s);
      rewards.push(reward);
      terminated.push(term);
    }
  });
  return { states, rewards, terminated };
}

describe('CartPole-v1 matches Gymnasium', () => {
  // From Gymnasium 1.3.0's CartPoleEnv (see the module comment for how to regenerate them).
  const cases = [
    {
      start: [0.01, -0.02, 0.03, -0.04] as State,
      actions: Array.from({ length: 40 }, (_, t) => ((t * 7 + 3) % 5) % 2), // python: [(t * 7 + 3) % 5 % 2 for t in range(40)],
      firstTermination: 18,
      states: {
        1: [0.009600000000000001, 0.17467919574755525, 0.0292, -0.3230687179600081],
        10: [-0.0295106580263467, -0.4155577716226977, 0.08331366071329484, 0.6645683190645829],
        25: [-0.24001155364948462, -1.0343469735995363, 0.5077506455623928, 2.5725661065346968],
        40: [-0.622490957092228, -1.4348146683204357, 1.7744102624624083, 6.466498060944655],
      } as Record<number, number[]>,
    },
    {
      start: [-0.5, 0.3, -0.1, 0.2] as State,
      actions: new Array<number>(40).fill(1),
      firstTermination: 8,
      states: {
        1: [-0.494, 0.49639943123476343, -0.096, -0.12247840269940469],
        10: [-0.26320914583817523, 2.263673557885384, -0.35464732202912447, -3.1680256727805753],
        25: [0.7885861796209801, 4.688783218466489, -2.1002945056823714, -8.399980272727259],
        40: [2.5455555212505145, 7.496010435187926, -4.352539345877984, -4.696351709926948],
      } as Record<number, number[]>,
    },
  ];

  cases.forEach((c, k) => {
    it(`reproduces the Gymnasium reference trajectory ${k + 1} (states, termination step, rewards)`, () => {
      const { states, rewards, terminated } = rollout(c.start, c.actions);
      for (const [t, expected] of Object.entries(c.states)) assertClose(states[Number(t) - 1]!, expected, `step ${t}`);
      assert.equal(terminated.indexOf(true) + 1, c.firstTermination);
      const expectedRewards = c.actions.map((_, t) => (t + 1 <= c.firstTermination ? 1 : 0));
      assert.deepEqual(rewards, expectedRewards, '+1 up to and including the terminating step, then 0');
    });
  });

  it("follows Gymnasium's semi-implicit Euler integrator when a subclass selects it", () => {
    // Gymnasium 1.3.0: env.kinematics_integrator = "semi-implicit euler", then the same steps
    class SemiImplicitCartPole extends CartPoleEnv {
      override readonly kinematicsIntegrator = 'semi-implicit euler';
    }
    const env = new SemiImplicitCartPole();
    env.state = [0.01, -0.2, 0.03, 0.1];
    const actions = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0];
    const expected: Record<number, number[]> = {
      1: [0.009893588830963107, -0.005320558451844676, 0.02633861827009989, -0.18306908649500533],
      3: [-0.0020492043616204617, -0.3963303721430412, 0.037082736325935825, 0.4194009426095716],
      10: [-0.003172733135526767, -0.20414989026651767, 0.019785355437189664, 0.19126789456056137],
    };
    actions.forEach((a, t) => {
      env.step(a);
      if (expected[t + 1]) assertClose(env.state!, expected[t + 1]!, `step ${t + 1}`);
    });
  });

  it('matches the transcribed Gymnasium step on 50 random starts x 200 random actions', () => {
    const rng = makeRng('cartpole-reference');
    for (let k = 0; k < 50; k++) {
      const start = Array.from({ length: 4 }, () => (rng() - 0.5) * 0.4) as State;
      const actions = Array.from({ length: 200 }, () => (rng() < 0.5 ? 0 : 1));
      const { states, terminated } = rollout(start, actions);
      let ref = start;
      actions.forEach((a, t) => {
        const [next, term] = gymnasiumStep(ref, a);
        ref = next;
        assertClose(states[t]!, ref, `start ${k} step ${t + 1}`);
        assert.equal(terminated[t], term, `start ${k} step ${t + 1} terminated`);
      });
    }
  });
});
