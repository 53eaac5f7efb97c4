/**
 * The learned agents for the CLI: registered without TensorFlow.js, which loads when one is
 * created, so a command or a `serve` process that never makes one does without it (about 100 MB
 * and 0.3 s). The CLI always runs as ES modules (bin/), where these dynamic imports share the
 * modules the static ones loaded.
 */
import { registerLearnedAgentsWith } from '../agents/learned-agents.ts';
import { checkpointPath } from './committed-models.ts';

/**
 * Register `ppo` and `dqn` (idempotent), loading TensorFlow.js on first use; a `checkpoint` option
 * models/<name> is found from any directory, as every CLI checkpoint path is (checkpointPath).
 */
export function registerLearnedAgentsLazily(): void {
  registerLearnedAgentsWith(async () => {
    const [{ initBackend }, { loadPolicyAgent }] = await Promise.all([import('../agents/backend.ts'), import('../agents/policy-agent.ts')]);
    return { initBackend, loadPolicyAgent: (dir, env, expectedAlgo, options) => loadPolicyAgent(checkpointPath(dir), env, expectedAlgo, options) };
  });
}
