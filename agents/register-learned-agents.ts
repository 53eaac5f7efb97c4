/**
 * Makes `createAgent('ppo' | 'dqn', env, { checkpoint })` (baselines/create-agent.ts) load trained
 * policies (see learned-agents.ts). Importing this module loads TensorFlow.js, as the rest of
 * agents/ does; the CLI registers them without it (cli/learned-agents.ts).
 */
import { initBackend } from './backend.ts';
import { registerLearnedAgentsWith } from './learned-agents.ts';
import { loadPolicyAgent } from './policy-agent.ts';

/** Register the learned agents with the baselines' registry (idempotent). */
export function registerLearnedAgents(): void {
  registerLearnedAgentsWith(async () => ({ initBackend, loadPolicyAgent }));
}
