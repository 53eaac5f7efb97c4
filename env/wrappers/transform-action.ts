/**
 * gymnasium.wrappers.TransformAction: passes every action through `func` before the inner env
 * steps it. Give `actionSpace` when `func` takes another kind of action than the inner env (the
 * wrapper then exposes it); the inner env still validates what `func` returns.
 */
import type { Env } from '../core/env.ts';
import { ActionWrapper } from '../core/wrapper.ts';
import type { Space } from '../spaces/space.ts';
import { checkFunction } from './wrapper-arguments.ts';

/**
 * Passes every action through `func` before the inner env steps it
 * (gymnasium.wrappers.TransformAction); give `actionSpace` when `func` takes another kind of action
 * than the inner env.
 */
export class TransformAction<Obs, WAct, Act> extends ActionWrapper<Obs, WAct, Act> {
  private readonly func: (action: WAct) => Act;

  /** @param actionSpace the space of the actions `func` takes; the inner env's when omitted */
  constructor(env: Env<Obs, Act>, func: (action: WAct) => Act, actionSpace?: Space<WAct>) {
    super(env);
    checkFunction('TransformAction', 'func', func);
    this.func = func;
    if (actionSpace !== undefined) this.actionSpace = actionSpace;
  }

  action(action: WAct): Act {
    return this.func(action);
  }
}
