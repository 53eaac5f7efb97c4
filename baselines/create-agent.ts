/**
 * `createAgent(name, env, options)`: every policy by name, from a registry the layers above can
 * extend (`registerAgent('ppo', ...)` from the CLI or agents/, which baselines/ must not import).
 */
import * as z from 'zod';
import { $ZodError } from 'zod/v4/core';
import type { Env } from '../env/core/env.ts';
import type { Agent } from './agent.ts';
import { NoOptions, parseAgentOptions } from './agent-options.ts';
import { BdtEnv } from '../env/bdt/bdt-env.ts';
import { mergeDeep } from '../env/bdt/scenario/parse.ts';
import { GymError } from '../env/core/errors.ts';
import { formatValue } from '../env/core/format.ts';
import { didYouMean } from '../env/core/closest-name.ts';
import { isPlainObject } from '../env/core/plain-object.ts';
import { KwargsError, valueAt } from '../env/core/zod-issues.ts';
import { warn } from '../env/core/logger.ts';
import { createDpraAgent } from './dpra/dpra-agent.ts';
import { createWdpoAgent } from './wdpo.ts';
import { WTCM_SCENARIO_OVERRIDE, createWtcmAgent } from './wtcm.ts';
import { RandomAgent } from './reference/random.ts';
import { createAllLocalAgent } from './reference/all-local.ts';
import { createLatencyGreedyAgent } from './reference/latency-greedy.ts';
import { createExhaustiveOracle } from './reference/exhaustive-oracle.ts';

/**
 * An agent's factory that threw an error of its own (a bug, or a failure no GymError
 * describes, such as an unreadable checkpoint), naming the agent; the error thrown is the `cause`.
 * Refusals of the agent's options and other GymErrors reach the caller as they are (`createAgent`).
 */
export class AgentCreationError extends Error {
  readonly agent: string;
  override readonly cause: unknown;

  constructor(agent: string, cause: unknown) {
    super(`agent "${agent}" could not be created: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.agent = agent;
    this.cause = cause;
    this.name = 'AgentCreationError';
  }
}

/** Makes an agent for `env`; `options` are the agent's own (validated by the factory). */
export type AgentFactory = (env: Env, options: Record<string, unknown>) => Agent | Promise<Agent>;

/**
 * An agent in the registry (`registerAgent`): its description, its factory and the scenario
 * override its env needs.
 */
export interface AgentEntry {
  /** One line for `--help` and error messages. */
  readonly description: string;
  readonly create: AgentFactory;
  /**
   * Scenario override the env must be created with for this agent (deep-merged into the
   * scenario), e.g. WTCM's plain-PoW mechanism; absent when any scenario will do.
   */
  readonly scenarioOverride?: Record<string, unknown>;
}

/** Raised for an unknown agent name; the message suggests the nearest one and lists the available ones. */
export class UnknownAgentError extends GymError {
  constructor(name: string, available: readonly string[]) {
    // the learned agents live in agents/ (TensorFlow.js), which baselines/ must not import
    const learned = (name === 'ppo' || name === 'dqn') && !available.includes(name) ? `; ${name} is registered by registerLearnedAgents() from bdt-gym/agents` : '';
    super(`unknown agent ${JSON.stringify(name)}${didYouMean([name], available)} (available: ${available.join(', ')}${learned})`);
    this.name = 'UnknownAgentError';
  }
}

const registry = new Map<string, AgentEntry>();

/**
 * Add agent `name`, or replace it: replacing it with an agent of another description warns, as
 * Gymnasium's `register` does for an env id (registering the same agent again is quiet).
 */
export function registerAgent(name: string, entry: AgentEntry): void {
  // a bad entry was taken, and the agent then reported as unknown although listed
  if (typeof name !== 'string' || name === '') throw new GymError(`registerAgent: name must be a non-empty string, got ${formatValue(name)}`);
  if (entry === null || typeof entry !== 'object' || typeof entry.create !== 'function' || typeof entry.description !== 'string') {
    throw new GymError(`registerAgent(${JSON.stringify(name)}): entry must be {description: string, create: (env, options) => Agent, scenarioOverride?}, got ${formatValue(entry)}`);
  }
  if (entry.scenarioOverride !== undefined && (entry.scenarioOverride === null || typeof entry.scenarioOverride !== 'object' || Array.isArray(entry.scenarioOverride))) {
    throw new GymError(`registerAgent(${JSON.stringify(name)}): scenarioOverride must be a partial scenario object, got ${formatValue(entry.scenarioOverride)}`);
  }
  const previous = registry.get(name);
  if (previous !== undefined && previous.description !== entry.description) warn(`registerAgent: agent ${JSON.stringify(name)} (${previous.description}) replaced by: ${entry.description}`);
  registry.set(name, entry);
}

/** Names of every registered agent, in registration order. */
export function agentNames(): string[] {
  return [...registry.keys()];
}

/** The registry entry of `name`, or an {@link UnknownAgentError}. */
export function agentEntry(name: string): AgentEntry {
  const entry = registry.get(name);
  if (!entry) throw new UnknownAgentError(name, agentNames());
  return entry;
}

/**
 * The scenario agent `name` plays: `scenario` (a partial override) with the agent's own
 * `scenarioOverride` merged in; a GymError when `scenario` sets one of the agent's fields to
 * another value (WTCM on consensus.mechanism "reputation" would silently run plain PoW).
 */
export function agentScenario(name: string, scenario: Record<string, unknown> = {}): Record<string, unknown> {
  const own = agentEntry(name).scenarioOverride;
  if (own === undefined) return scenario;
  // merging the agent's sections over a value that is no object would replace the value unseen
  if (!isPlainObject(scenario)) throw new GymError(`agent ${name}: the scenario override must be an object, got ${formatValue(scenario)}`);
  const conflict = conflictingField(scenario, own, '');
  if (conflict?.section === true) throw new GymError(`agent ${name}: the scenario override's ${conflict.path} must be an object (a section of the scenario), got ${formatValue(conflict.given)}`);
  if (conflict !== undefined) throw new GymError(`agent ${name} runs on ${conflict.path} = ${JSON.stringify(conflict.own)} (its scenario); the scenario override sets ${JSON.stringify(conflict.given)}: leave that field out for ${name}`);
  return mergeDeep(scenario, own) as Record<string, unknown>;
}

/**
 * The first leaf of `own` that `given` sets to another value, or the first section of `own` that
 * `given` sets to something other than an object (`section`), with its dotted path.
 */
function conflictingField(given: Record<string, unknown>, own: Record<string, unknown>, path: string): { path: string; own: unknown; given: unknown; section?: true } | undefined {
  for (const [key, value] of Object.entries(own)) {
    if (!Object.hasOwn(given, key)) continue;
    const at = path === '' ? key : `${path}.${key}`;
    const theirs = given[key];
    if (isPlainObject(value)) {
      if (theirs === undefined) continue; // an undefined section changes nothing (mergeDeep)
      if (!isPlainObject(theirs)) return { path: at, own: value, given: theirs, section: true };
      const inner = conflictingField(theirs, value, at);
      if (inner !== undefined) return inner;
    } else if (JSON.stringify(theirs) !== JSON.stringify(value)) return { path: at, own: value, given: theirs };
  }
  return undefined;
}

/**
 * Agent `name` for `env` (async: learned agents load checkpoints), typed by the env's spaces: the
 * registry cannot check that the agent acts in them; the env's step does. A factory's refusal
 * that is a GymError (its options' KwargsError) rejects as it is; a ZodError (a factory that
 * parsed its options with `Schema.parse` rather than `parseAgentOptions`) as the KwargsError
 * naming the agent; anything else, or a factory's value that is no agent, as an
 * {@link AgentCreationError} naming the agent.
 */
export async function createAgent<Obs = unknown, Act = unknown>(name: string, env: Env<Obs, Act>, options: Record<string, unknown> = {}): Promise<Agent<Obs, Act>> {
  const entry = agentEntry(name);
  let agent: Agent;
  try {
    agent = await entry.create(env as Env, options);
  } catch (error) {
    if (error instanceof GymError) throw error;
    if (error instanceof $ZodError) throw new KwargsError(`agent ${name}`, error.issues.map((issue) => withInput(issue, options)), 'options');
    throw new AgentCreationError(name, error);
  }
  if (typeof agent?.act !== 'function' || typeof agent.reset !== 'function') throw new AgentCreationError(name, new TypeError(`its factory returned ${formatValue(agent)}, not an agent (an object with reset and act)`));
  return agent as Agent<Obs, Act>;
}

/** `issue` with the value it is about, from `options`: a plain `parse` leaves it out, and the message shows it. */
function withInput(issue: z.core.$ZodIssue, options: Record<string, unknown>): z.core.$ZodIssue {
  if ('input' in issue) return issue;
  return { ...issue, input: valueAt(options, issue.path) } as z.core.$ZodIssue;
}

registerAgent('dpra', { description: 'DPRA: per-slot drift-plus-penalty minimisation over partition and frequencies (the letter)', create: (_env, o) => createDpraAgent(o) });
registerAgent('wdpo', {
  description: 'WDPO: DPRA without partition optimisation (a fixed partition: the middle unit per DT, one given, or option partition "best-static")',
  create: (env, o) => createWdpoAgent(o, env.unwrapped instanceof BdtEnv ? env.unwrapped.system : undefined),
});
registerAgent('wtcm', {
  description: 'WTCM: DPRA on plain PoW (no reputation-based difficulty)',
  create: (_env, o) => createWtcmAgent(o),
  scenarioOverride: WTCM_SCENARIO_OVERRIDE,
});
registerAgent('latency-greedy', { description: 'latency-greedy: DPRA with the queues ignored (V -> infinity)', create: (_env, o) => createLatencyGreedyAgent(o) });
registerAgent('all-local', { description: 'all-local: l_n = L_n, optimal AP frequencies', create: (_env, o) => (parseAgentOptions(NoOptions, o, 'all-local'), createAllLocalAgent()) });
registerAgent('random', { description: 'random: uniformly random valid actions', create: (_env, o) => (parseAgentOptions(NoOptions, o, 'random'), new RandomAgent()) });
registerAgent('oracle', {
  description: 'oracle: exhaustive search over all partitions (small scenarios)',
  create: (env, o) => createExhaustiveOracle(o, env.unwrapped instanceof BdtEnv ? env.unwrapped.system : undefined),
});

/** The scripted agents this module registers (the registry may hold learned ones too). */
export const scriptedAgentNames: readonly string[] = Object.freeze(agentNames());
