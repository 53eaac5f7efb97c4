/**
 * Registering a B-DT scenario under an env id, as the built-in ids are registered, so that user
 * scenarios work with every tool the built-ins do (`make`, `makeVec`, the CLI, the harness).
 */
import type { EnvSpec } from '../core/env.ts';
import { register, registry } from '../registration.ts';
import { KwargsError } from '../core/zod-issues.ts';
import { BdtEnv } from './bdt-env.ts';
import { BdtVectorEnv } from './bdt-vector-env.ts';
import { compileScenario } from './scenario/compile.ts';
import { parseScenario } from './scenario/parse.ts';

/**
 * Registers `id` as the B-DT env of `scenario` (a whole scenario, parsed JSON such as
 * configs/default.json). As with the built-in ids, `make(id, { scenario })` deep-merges a partial
 * override into it (the comparison harness and the CLI's `--slots` pass one), and `makeVec(id, n)`
 * builds the native `BdtVectorEnv`. The scenario is checked and copied now: a bad one throws a
 * `ScenarioError` naming each bad field here rather than at the first `make`, and later changes
 * to the caller's object do not reach the registered env.
 */
export function registerBdtScenario(id: string, scenario: unknown): EnvSpec {
  compileScenario(parseScenario(scenario, `scenario of ${JSON.stringify(id)}`));
  const baseScenario: unknown = structuredClone(scenario);
  const spec = register({
    id,
    entryPoint: (kwargs) => new BdtEnv({ scenario: {}, ...withoutBaseScenario(id, 'BdtEnv', kwargs), baseScenario }),
    vectorEntryPoint: (numEnvs, kwargs) => new BdtVectorEnv(numEnvs, { scenario: {}, ...withoutBaseScenario(id, 'BdtVectorEnv', kwargs), baseScenario }),
  });
  scenarioSpecs.add(spec);
  return spec;
}

/** The specs registerBdtScenario registered (an id registered again otherwise no longer has one). */
const scenarioSpecs = new WeakSet<EnvSpec>();

/**
 * The ids registered by `registerBdtScenario` (and not since replaced), in registration order:
 * B-DT ids known without making an env. A B-DT env registered with `register` is not among them.
 */
export function registeredBdtScenarioIds(): string[] {
  return [...registry].flatMap(([id, spec]) => (scenarioSpecs.has(spec) ? [id] : []));
}

/** `kwargs`, refused with a KwargsError if they give a `baseScenario`, which the registered one would silently replace. */
function withoutBaseScenario(id: string, owner: string, kwargs: Record<string, unknown>): Record<string, unknown> {
  if (kwargs['baseScenario'] === undefined) return kwargs;
  const message = `${JSON.stringify(id)} takes its base scenario from registerBdtScenario, not from its keyword arguments; pass overrides as scenario, or register a whole scenario under an id of its own with registerBdtScenario(id, scenario)`;
  throw new KwargsError(owner, [{ code: 'custom', path: ['baseScenario'], message, input: kwargs['baseScenario'] }]);
}
