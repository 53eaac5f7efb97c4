/** A test env with any action space that records the last action it was stepped with (what an action wrapper sent). */
import { Discrete, Env, type Space, type StepResult } from '../../env/index.ts';

export class RecordingEnv extends Env<number, unknown> {
  readonly actionSpace: Space<unknown>;
  readonly observationSpace = new Discrete(1);
  last: unknown;
  constructor(actionSpace: Space<unknown>) {
    super();
    this.actionSpace = actionSpace;
  }
  reset(): [number, Record<string, unknown>] {
    return [0, {}];
  }
  step(action: unknown): StepResult<number> {
    this.last = action;
    return [0, 0, false, false, {}];
  }
}
