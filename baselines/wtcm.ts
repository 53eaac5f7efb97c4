/**
 * WTCM (the letter's baseline "without the reputation-based consensus mechanism"): DPRA's
 * partition and resource optimisation on plain PoW, gamma_j = exp(-beta). The policy is only
 * defined on an env whose scenario uses mechanism "pow": create it with {@link WTCM_SCENARIO_OVERRIDE}
 * (the CLI's `run --agent wtcm` and the comparison do).
 */
import { SolverAgent, mechanismOverride } from './dpra/solver-agent.ts';
import { DpraOptions, descentSolverOptions } from './dpra/dpra-agent.ts';
import { parseAgentOptions } from './agent-options.ts';

/** The scenario override WTCM runs under. */
export const WTCM_SCENARIO_OVERRIDE = mechanismOverride('pow');

/** The WTCM agent: DPRA's optimisation on plain PoW; acts only on an env made with {@link WTCM_SCENARIO_OVERRIDE}. Takes DPRA's options. */
export function createWtcmAgent(options: DpraOptions = {}): SolverAgent {
  const o = parseAgentOptions(DpraOptions, options, 'wtcm');
  return new SolverAgent('wtcm', {
    warmStart: o.warmStart,
    mechanism: 'pow',
    solverOptions: () => descentSolverOptions(o),
  });
}
