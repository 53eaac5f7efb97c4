/** The committed models (models/<algo>-<env id>) that learned agents load when given no checkpoint. */
import { hasCommittedCheckpoint, isLearnedAlgorithm } from '../agents/learned-agents.ts';
import { registry } from '../env/index.ts';
import { CliError } from './errors.ts';

/**
 * Why a learned agent given no checkpoint cannot run on an env without a committed model: that
 * there is none, which envs have one and what to give instead (`instead`); the loader would only
 * say that models/<algo>-<id> does not exist. `undefined` when it can run. `envId` is undefined
 * for a scenario file (no model is committed for one), `source` names what chose the agent.
 */
export function missingCommittedModel(source: string, agent: string, envId: string | undefined, hasCheckpoint: boolean, instead: string): string | undefined {
  if (!isLearnedAlgorithm(agent) || hasCheckpoint) return undefined;
  if (envId !== undefined && hasCommittedCheckpoint(agent, envId)) return undefined;
  const committed = [...registry.keys()].filter((id) => hasCommittedCheckpoint(agent, id));
  const has = committed.length === 0 ? 'there is none' : `there is one for ${committed.join(', ')} only`;
  return `${source} ${agent}: no ${agent} model is committed for ${envId ?? 'a --scenario file'} (${has}, in models/); give ${instead}`;
}

/** Throws `missingCommittedModel`'s refusal as a CliError. */
export function checkCommittedModel(...args: Parameters<typeof missingCommittedModel>): void {
  const why = missingCommittedModel(...args);
  if (why !== undefined) throw new CliError(why);
}
