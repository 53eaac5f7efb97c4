/** Agents by the name given on the command line (`--agent`, `--agents`), their refusals as one-line CliErrors. */
import { issueLines, KwargsError, type Env } from '../env/index.ts';
import { UnknownAgentError, agentEntry, createAgent, type AgentEntry } from '../baselines/create-agent.ts';
import type { Agent } from '../baselines/agent.ts';
import { CliError } from './errors.ts';
import { importHint } from './user-modules.ts';

/** The registry entry of agent `name`, or a CliError listing the available agents. */
export function agentEntryOrCliError(name: string): AgentEntry {
  try {
    return agentEntry(name);
  } catch (error) {
    if (error instanceof UnknownAgentError) throw new CliError(`--agent: ${error.message}${importHint('agent')}`);
    throw error;
  }
}

/** `createAgent`, with options the agent's schema refuses reported as a CliError naming `--agent-options` (other refusals are GymErrors naming the agent). */
export async function createAgentOrCliError(name: string, env: Env, options: Record<string, unknown>): Promise<Agent> {
  try {
    return await createAgent(name, env, options);
  } catch (error) {
    if (error instanceof KwargsError) throw new CliError(`--agent-options of agent ${name}: ${issueLines(error.issues, error.schema).join('; ')}`);
    throw error;
  }
}
