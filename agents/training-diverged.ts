/**
 * Training that diverged: a gradient step produced a NaN or infinite gradient (the optimiser
 * refused it, see NonFiniteGradientError), usually from a learning rate too high for the problem.
 * The message names the update, the loss terms of that step (the non-finite ones first) and the
 * learning rate, so the CLI can report it in one line.
 */
import { NonFiniteGradientError } from './nn/flat-adam.ts';

/**
 * Thrown by `train()` when a gradient step's gradient was NaN or infinite (usually a learning rate
 * too high); the message names the update, its loss terms and the learning rate.
 */
export class TrainingDivergedError extends Error {
  /** Which update diverged, e.g. "PPO iteration 2 (env step 1024), epoch 1, minibatch 3". */
  readonly where: string;
  /** The loss terms of the step that diverged, by metric tag. */
  readonly losses: Readonly<Record<string, number>>;
  /** The configured learning rate. */
  readonly learningRate: number;

  constructor(
    where: string,
    losses: Readonly<Record<string, number>>,
    learningRate: number,
    cause: NonFiniteGradientError,
  ) {
    const entries = Object.entries(losses);
    const bad = entries.filter(([, value]) => !Number.isFinite(value));
    const which =
      bad.length > 0
        ? `non-finite loss: ${bad.map(([tag, value]) => `${tag} = ${value}`).join(', ')}`
        : `the losses were finite (${entries.map(([tag, value]) => `${tag} = ${value.toPrecision(4)}`).join(', ')}) but the gradient overflowed`;
    super(`training diverged at ${where}, Adam update ${cause.update}: the gradient norm is ${cause.norm} (${which}); try a lower learningRate (it is ${learningRate})`, { cause });
    this.where = where;
    this.losses = losses;
    this.learningRate = learningRate;
    this.name = 'TrainingDivergedError';
  }
}
