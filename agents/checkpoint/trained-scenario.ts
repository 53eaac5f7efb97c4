/**
 * The scenario a policy was trained on, as its checkpoint records it, and the check that warns
 * when a policy acts on a different system. An env id names a scenario only for one version of
 * bdt-gym, and `make(id, { scenario })` changes it, so the manifest keeps the resolved scenario.
 */
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { Env } from '../../env/core/env.ts';
import { warn } from '../../env/core/logger.ts';
import { isPlainObject } from '../../env/core/plain-object.ts';
import type { Space } from '../../env/spaces/space.ts';

/**
 * Scenario paths a trained policy does not depend on: labels, the episode length (runs shorten
 * it), and the reward's shaping (V and the reward section), which training sets apart from
 * evaluation on purpose (the committed models trained with V 1.5 and an energy penalty).
 */
const POLICY_NEUTRAL_PATHS: ReadonlySet<string> = new Set(['$schema', 'name', 'description', 'slots', 'lyapunov.V', 'reward']);

/** Longest value printed in a difference. */
const MAX_VALUE_CHARS = 60;

/** The env a run trains on, as its checkpoints record it. */
export interface TrainedEnv {
  /** Registered id. */
  readonly id: string;
  /** {@link scenarioOf} the env (with the run's envKwargs). */
  readonly scenario: Record<string, unknown> | undefined;
  /**
   * The env's own action space, which the checkpoint records and a load checks the env against,
   * also when the policy acts in a wrapper of it (DQN's DiscretizeAction, cpuShares 'solved').
   */
  readonly actionSpace: Space<unknown>;
}

/** The resolved scenario (defaults filled in, overrides merged) of a B-DT env, as plain JSON; undefined for other envs. */
export function scenarioOf(env: Env<unknown, unknown>): Record<string, unknown> | undefined {
  const base = env.unwrapped;
  return base instanceof BdtEnv ? (JSON.parse(JSON.stringify(base.system.scenario)) as Record<string, unknown>) : undefined;
}

/**
 * Where `current` differs from `trained` in what a policy depends on, one `path: trained -> current`
 * line per differing leaf (arrays compare whole), in key order.
 */
export function systemDifferences(trained: unknown, current: unknown, path = ''): string[] {
  if (POLICY_NEUTRAL_PATHS.has(path)) return [];
  if (isPlainObject(trained) && isPlainObject(current)) {
    const keys = [...new Set([...Object.keys(trained), ...Object.keys(current)])];
    return keys.flatMap((key) => systemDifferences(trained[key], current[key], path === '' ? key : `${path}.${key}`));
  }
  return JSON.stringify(trained) === JSON.stringify(current) ? [] : [`${path}: ${shortJson(trained)} -> ${shortJson(current)}`];
}

const warned = new Set<string>();

/**
 * Warns (once per checkpoint and difference) when `env`'s system differs from the one the
 * checkpoint in `dir` was trained on. The policy still acts: evaluating a transfer is legitimate,
 * but its figures then say nothing of the policy on its own system. Checkpoints saved before
 * the scenario was recorded are not checked.
 */
export function warnIfOtherSystem(dir: string, trained: Record<string, unknown> | undefined, env: Env<unknown, unknown>): void {
  const current = scenarioOf(env);
  if (trained === undefined || current === undefined) return;
  const differences = systemDifferences(trained, current);
  if (differences.length === 0) return;
  const key = `${dir}\n${differences.join('\n')}`;
  if (warned.has(key)) return;
  warned.add(key);
  const shown = differences.slice(0, 3).join('; ') + (differences.length > 3 ? `; and ${differences.length - 3} more` : '');
  warn(`the policy in ${dir} was trained on a different system than this env's (${shown}); it acts here as a transfer, not on the system it learned`);
}

function shortJson(value: unknown): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS - 3)}...`;
}

