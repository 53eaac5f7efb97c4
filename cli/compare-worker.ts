/**
 * A worker thread of `compare --jobs` (compare-workers.ts): imports the user's modules, runs
 * `compareAgents` on its share of the traces, and posts each record, then `done`, or the error
 * that stopped it in a form that crosses threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointLoads } from '../agents/checkpoint/loaded-checkpoints.ts';
import { learnedAgentBackend } from '../agents/learned-agents.ts';
import { AgentCreationError } from '../baselines/create-agent.ts';
import { compareAgents } from '../baselines/harness/compare.ts';
import { AgentEpisodeError } from '../baselines/harness/run-episode.ts';
import { KwargsError } from '../env/core/zod-issues.ts';
import { agentOptionsRefusal, type CarriedError, type CompareWorkerInput, type CompareWorkerMessage } from './compare-workers.ts';
import { CliError } from './errors.ts';
import { registerLearnedAgentsLazily } from './learned-agents.ts';
import { isUserError } from './user-errors.ts';

const { spec, modules } = workerData as CompareWorkerInput;
const post = (message: CompareWorkerMessage): void => parentPort!.postMessage(message);

/** `error` as it crosses to the main thread (see `rebuiltError` there). */
function carried(error: unknown): CarriedError {
  if (error instanceof KwargsError) error = agentOptionsRefusal(error);
  if (error instanceof CliError) return { kind: 'cli', message: error.message, user: true, exitCode: error.exitCode };
  const plain = (cause: unknown) => ({ message: cause instanceof Error ? cause.message : String(cause), stack: cause instanceof Error ? cause.stack : undefined, user: isUserError(cause) });
  if (error instanceof AgentEpisodeError) return { kind: 'episode', ...plain(error.cause), agent: error.agent, seed: error.seed, slot: error.slot, trace: error.trace };
  if (error instanceof AgentCreationError) return { kind: 'creation', ...plain(error.cause), agent: error.agent };
  return { kind: 'other', ...plain(error) };
}

try {
  registerLearnedAgentsLazily();
  // the main thread imported them already, so they load here too
  for (const url of modules) await import(url);
  let first = true;
  compareAgents(spec).subscribe({
    // the agents are all built before the first episode: the first record tells what they loaded
    next: (record) => {
      post(first ? { type: 'record', record, built: { loads: checkpointLoads(), backend: learnedAgentBackend() } } : { type: 'record', record });
      first = false;
    },
    error: (error: unknown) => post({ type: 'error', error: carried(error) }),
    complete: () => post({ type: 'done' }),
  });
} catch (error) {
  post({ type: 'error', error: carried(error) });
}
