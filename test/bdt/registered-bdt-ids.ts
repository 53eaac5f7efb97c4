import { make, registry } from '../../env/index.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';

/**
 * The registry's B-DT ids (those whose env is a `BdtEnv`), in registration order, for the tests
 * that run "for every B-DT id": an id added to env/envs.ts is covered without editing them. Call
 * it while mocha loads the files (in a describe body, as test/env/env-checker.test.ts iterates the
 * registry), before any test registers an id of its own. Under `--parallel` a worker loads a file
 * after the tests of the files it ran before, so a test unregisters the ids it registers.
 */
export function registeredBdtIds(): string[] {
  return [...registry.keys()].filter((id) => {
    const env = make(id, {}, { disableEnvChecker: true });
    const bdt = env.unwrapped instanceof BdtEnv;
    env.close();
    return bdt;
  });
}
