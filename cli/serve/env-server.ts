/**
 * The requests of `bdt-gym serve`, one env per server: what a client in another language (the
 * Python package in python/) sends to drive a registered env, and what it gets back.
 *
 *   {"method": "make", "id": "BDT-v0", "kwargs": {...}, "maxEpisodeSteps": n}
 *     -> {"result": {"observationSpace", "actionSpace", "spec": {id, maxEpisodeSteps, rewardThreshold}, "metadata", "renderMode"}}
 *   {"method": "make", "id": "BDT-v0", "kwargs": {...}, "numEnvs": n, "autoresetMode": "next-step"}
 *     -> {"result": {"numEnvs", "singleObservationSpace", "singleActionSpace", "autoresetMode"}}   (a vector env: makeVec)
 *   {"method": "reset", "seed": s, "options": {...}}   -> {"result": {"obs", "info"}}
 *   {"method": "step", "action": a}                    -> {"result": {"obs", "reward", "terminated", "truncated", "info"}}
 *   {"method": "render"}                               -> {"result": text or null}
 *   {"method": "close"}                                -> {"result": null} (and the server ends)
 *
 * The env is `make(id, kwargs)`: checker, order enforcing and time limit, as gymnasium.make; with
 * `numEnvs`, `makeVec(id, numEnvs, {kwargs})` (the B-DT ids' native BdtVectorEnv), whose reset
 * and step take and give batches (actions as nested arrays, one row per env; infos with `_key`
 * masks, as Gymnasium's vector infos).
 * Spaces travel as `space.toJSON()`; elements as plain arrays and objects (`elementFromJSON`
 * reads actions back into the action space's typed arrays). A refused request answers
 * `{"error": {"type", "message"}}` (the type is the error class: InvalidActionError,
 * ResetNeededError, KwargsError, ScenarioError, ProtocolError, ...) and leaves the env as it
 * was, so the client can raise it and go on.
 */
import { z } from 'zod';
import { GymError, issueLines, make, makeVec, elementFromJSON, type Env, type VectorEnv } from '../../env/index.ts';
import { AUTORESET_MODES } from '../../env/vector/vector-env.ts';

/** Envs one vector server steps at most (as `train`'s hyperparameter bound). */
const MAX_ENVS = 1024;

const MakeRequest = z.strictObject({
  method: z.literal('make'),
  id: z.string().describe('A registered env id'),
  kwargs: z.record(z.string(), z.unknown()).optional().describe("make()'s keyword arguments"),
  maxEpisodeSteps: z.number().int().optional().describe("make()'s option: the TimeLimit (-1 drops the id's)"),
  numEnvs: z.number().int().min(1).max(MAX_ENVS).optional().describe('Serve a vector env of this many envs (makeVec) instead of one env'),
  autoresetMode: z.enum(AUTORESET_MODES).optional().describe("The vector env's autoreset mode (Gymnasium's; default next-step)"),
});
const Request = z.discriminatedUnion('method', [
  MakeRequest,
  z.strictObject({ method: z.literal('reset'), seed: z.unknown().optional(), options: z.record(z.string(), z.unknown()).nullable().optional() }),
  z.strictObject({ method: z.literal('step'), action: z.unknown() }),
  z.strictObject({ method: z.literal('render') }),
  z.strictObject({ method: z.literal('close') }),
]);
type Request = z.infer<typeof Request>;

export type Response = { readonly result: unknown } | { readonly error: { readonly type: string; readonly message: string } };

/** A request that is not one: malformed JSON, an unknown method, a missing field, `step` before `make`. */
export class ProtocolError extends GymError {}

export class EnvServer {
  private env: Env<unknown, unknown> | VectorEnv<unknown, unknown> | undefined;
  private id: string | undefined;
  /** Whether `close` was requested: the server should stop reading. */
  closed = false;

  /** The response to one parsed request; never throws. */
  handle(request: unknown): Response {
    try {
      return { result: this.dispatch(request) };
    } catch (error) {
      if (!(error instanceof Error)) return { error: { type: 'Error', message: String(error) } };
      return { error: { type: error.constructor.name, message: error.message } };
    }
  }

  private dispatch(raw: unknown): unknown {
    const parsed = Request.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw new ProtocolError(`bad request: ${issueLines(parsed.error.issues).join('; ')}`);
    const request: Request = parsed.data;
    if (request.method === 'make') return this.make(request);
    if (request.method === 'close') {
      this.env?.close();
      this.env = undefined;
      this.closed = true;
      return null;
    }
    const env = this.env;
    if (env === undefined) throw new ProtocolError(`${request.method} before make: send {"method": "make", "id": ...} first`);
    switch (request.method) {
      case 'reset': {
        const [obs, info] = env.reset({ ...(request.seed == null ? {} : { seed: request.seed as number }), ...(request.options == null ? {} : { options: request.options }) });
        return { obs, info };
      }
      case 'step': {
        const [obs, reward, terminated, truncated, info] = env.step(elementFromJSON(env.actionSpace, request.action, 'numEnvs' in env ? 'actions' : 'action'));
        return { obs, reward, terminated, truncated, info };
      }
      case 'render':
        if ('numEnvs' in env) throw new ProtocolError('render: a vector env does not render; serve one env to render it');
        return env.render() ?? null;
    }
  }

  private make(request: z.infer<typeof MakeRequest>): unknown {
    if (this.env !== undefined) throw new ProtocolError(`make: this server already serves ${this.id}; start another server for another env`);
    if (request.numEnvs !== undefined) {
      if (request.maxEpisodeSteps !== undefined) throw new ProtocolError("make: maxEpisodeSteps applies to one env (make), not to a vector env (numEnvs); a B-DT episode's length is the scenario's slots");
      const vector = makeVec(request.id, request.numEnvs, { kwargs: request.kwargs ?? {}, copy: false, ...(request.autoresetMode === undefined ? {} : { autoresetMode: request.autoresetMode }) });
      this.env = vector;
      this.id = request.id;
      return { numEnvs: vector.numEnvs, singleObservationSpace: vector.singleObservationSpace.toJSON(), singleActionSpace: vector.singleActionSpace.toJSON(), autoresetMode: vector.autoresetMode };
    }
    if (request.autoresetMode !== undefined) throw new ProtocolError('make: autoresetMode applies to a vector env; give numEnvs too');
    const env = make(request.id, request.kwargs ?? {}, request.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: request.maxEpisodeSteps });
    this.env = env;
    this.id = request.id;
    const spec = env.spec;
    return {
      observationSpace: env.observationSpace.toJSON(),
      actionSpace: env.actionSpace.toJSON(),
      spec: { id: spec?.id ?? request.id, maxEpisodeSteps: spec?.maxEpisodeSteps ?? null, rewardThreshold: spec?.rewardThreshold ?? null },
      metadata: env.metadata,
      renderMode: env.renderMode ?? null,
    };
  }
}
