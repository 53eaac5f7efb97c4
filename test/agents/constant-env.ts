/** Test fixture: an env whose observation never changes, so a greedy policy always picks the same action. */
import { Box, Env, type Space, type StepResult } from '../../env/index.ts';

/** Episodes of 50 steps, reward 0, with the given action space. */
export class ConstantEnv<Act> extends Env<Float32Array, Act> {
  readonly actionSpace: Space<Act>;
  readonly observationSpace = new Box(-1, 1, { shape: [2] });
  private t = 0;

  constructor(actionSpace: Space<Act>) {
    super();
    this.actionSpace = actionSpace;
  }

  reset(): [Float32Array, Record<string, unknown>] {
    this.t = 0;
    return [Float32Array.of(0.3, -0.7), {}];
  }

  step(): StepResult<Float32Array> {
    this.t += 1;
    return [Float32Array.of(0.3, -0.7), 0, false, this.t >= 50, {}];
  }
}
