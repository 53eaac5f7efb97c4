/**
 * A trainer's granularity: the env steps one call of its training loop takes, so the steps a run
 * reaches are whole multiples of it (a resume asked for fewer trains nothing).
 */

/** PPO: a whole rollout of numEnvs x numSteps env steps; DQN: one vector step of numEnvs. */
export function stepsPerCall(agent: 'ppo' | 'dqn', hp: { readonly numEnvs: number; readonly numSteps?: number }): number {
  return agent === 'ppo' ? hp.numEnvs * hp.numSteps! : hp.numEnvs;
}
