/** The committed models (models/<algo>-<env id>) that learned agents load when given no checkpoint. */
import { hasCommittedCheckpoint, type LearnedAlgorithm } from '../agents/register-learned-agents.ts';
import { registry } from '../env/index.ts';
import { CliError } from './errors.ts';

const LEARNED: readonly string[] = ['ppo', 'dqn'] satisfies LearnedAlgorithm[];

/**
 * Refuses a learned agent given no checkpoint on an env without a committed model, saying so,
 * which envs have one and what to give instead (`instead`); the loader would only say that
 * models/<algo>-<id> does not exist. `envId` is undefined for a scenario file (no model is
 * committed for one), `source` names the option that chose the agent.
 */
export function checkCommittedModel(source: string, agent: string, envId: string | undefined, hasCheckpoint: boolean, instead: string): void {
  if (!LEARNED.includes(agent) || hasCheckpoint) return;
  const algo = agent as LearnedAlgorithm;
  if (envId !== undefined && hasCommittedCheckpoint(algo, envId)) return;
  const committed = [...registry.keys()].filter((id) => hasCommittedCheckpoint(algo, id));
  const has = committed.length === 0 ? 'there is none' : `there is one for ${committed.join(', ')} only`;
  throw new CliError(`${source} ${agent}: no ${agent} model is committed for ${envId ?? 'a --scenario file'} (${has}, in models/); give ${instead}`);
}
