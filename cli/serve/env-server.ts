/**
 * The requests of `bdt-gym serve`, one env per server: what a client in another language (the
 * Python package in python/) sends to drive a registered env, and what it gets back.
 *
 *   {"method": "make", "id": "BDT-v0", "kwargs": {...}, "maxEpisodeSteps": n}
 *     -> {"result": {"observationSpace", "actionSpace", "spec": {id, maxEpisodeSteps, rewardThreshold}, "metadata", "renderMode"}}
 *   {"method": "make", "id": "BDT-v0", "kwargs": {...}, "numEnvs": n, "autoresetMode": "next-step", "vectorizationMode": "sync"}
 *     -> {"result": {"numEnvs", "singleObservationSpace", "singleActionSpace", "autoresetMode"}}   (a vector env: makeVec)
 *   {"method": "reset", "seed": s, "options": {...}}   -> {"result": {"obs", "info"}}
 *   {"method": "step", "action": a}                    -> {"result": {"obs", "reward", "terminated", "truncated", "info"}}
 *   {"method": "act", "agent": "dpra", "options": {...}} -> {"result": action}   (a bdt-gym agent's action for the current observation)
 *   {"method": "render"}                               -> {"result": text or null}
 *   {"method": "getAttr", "name": "slot"}              -> {"result": [value per env]}   (a vector env's; Gymnasium's get_attr)
 *   {"method": "setAttr", "name": n, "values": v}      -> {"result": null}              (a vector env's; v: one value per env, or one for all)
 *   {"method": "call", "name": "encodeDecision", "args": [...]} -> {"result": [value per env]}   (a vector env's; Gymnasium's call)
 *   {"method": "close"}                                -> {"result": null} (and the server ends: an EnvServer refuses any later request but close)
 *
 * The env is `make(id, kwargs)`: checker, order enforcing and time limit, as gymnasium.make; with
 * `numEnvs`, `makeVec(id, numEnvs, {kwargs, autoresetMode, vectorizationMode})` (by default the
 * id's native vector env, the B-DT ids' BdtVectorEnv or CartPole's CartPoleVectorEnv; a
 * SyncVectorEnv of `make`'s envs with `vectorizationMode: "sync"`, or for an id without one, such
 * as an id of the client's own registered by an `--import`ed module), whose reset
 * and step take and give batches (actions as nested arrays, one row per env, each of the single
 * space's shape; infos with `_key` masks, as Gymnasium's vector infos). `act` lets a client
 * benchmark against, imitate or mix with bdt-gym's agents (DPRA, WDPO, the reference policies, a
 * trained checkpoint) on its own episodes: the agent acts on the served env as `bdt-gym run` has
 * it act, reset with each env reset, and its action is checked as step checks one (an action
 * outside the space, or a Promise from an async `act`, is an InvalidActionError naming the agent).
 * The server keeps the last 16 agents asked (by name and options) from one `act` to the next; an
 * older one is disposed, and made anew (reset with the last reset's seed) if asked again.
 * `getAttr`, `setAttr` and `call` are the served vector env's, with its names: the B-DT ids'
 * BdtVectorEnv, which has no per-env env objects, gives observationSpace, actionSpace, system,
 * slot, queues, slotState and outcome, calls decodeAction and encodeDecision, and sets nothing
 * (docs/GYMNASIUM.md); a name it does not give or set is refused as an AttributeRefusedError, and
 * so are `call`s of the class and Object.prototype's methods. A `call` of `close` is an
 * ArgumentError, the envs left open: they close with the server, on the `close` request. A `setAttr` value must be of the
 * kind the env holds (`wireSettable`: a number for a number, never NaN), else an ArgumentError;
 * an attribute holding an object of a class (the env a wrapper wraps, a space) is not set by JSON.
 * Spaces travel as `space.toJSON()`; elements as plain arrays and objects (`elementFromJSON`
 * reads actions back into the action space's typed arrays); in getAttr and call answers, which no
 * space describes, a typed array travels as `{"__ndarray__": dtype, "data": [...]}` (NumPy's dtype
 * name), so a client keeps a Float64Array of whole numbers a float array. A refused request answers
 * `{"error": {"type", "message"}}` (the type is the error class: InvalidActionError,
 * ResetNeededError, KwargsError, ScenarioError, UnknownAgentError, ArgumentError, ProtocolError,
 * ...; a KwargsError refusing keys the env or agent does not know also lists them, as
 * `"unexpectedKeys"`: the Python client raises those as a TypeError, an unexpected keyword
 * argument). A refusal of the server's, of a B-DT env's (the native BdtVectorEnv checks every row
 * before any env steps) or of the vector layer's batch checks (shape, array type, a part other
 * than a Box out of its space, an ended env in disabled autoreset mode: all before any env
 * steps) leaves the env as it was, so the client can raise it and go on. An imported env's own
 * refusal leaves it as that env does; in a SyncVectorEnv, which leaves Box bounds to each env (as
 * Gymnasium's vector envs do), env i's refusal (a message starting `SyncVectorEnv env i:`) comes
 * after envs 0 to i - 1 stepped, so the client should reset after it, not retry the step. ProtocolError is a
 * request that is not one (malformed, unknown method, out of order); a well-formed request whose
 * arguments the env cannot take is a KwargsError, ScenarioError or ArgumentError (numEnvs or
 * maxEpisodeSteps out of range, an agent that acts on a scenario the env was not made with, a
 * scripted agent asked on an env that is not a B-DT one, or an agent whose factory refuses its
 * options or the env with a plain GymError, as the oracle a scenario too large for it), so a client can raise those as its
 * language's bad-argument error. An agent's own error (its factory's, reset's or act's) is
 * answered with the class of what it threw and a message naming the agent (one agent's reset
 * error is answered after the env and every other agent were reset; that agent is made anew by
 * the next act); an error that is no
 * refusal of bad input (a bug, in an agent or in bdt-gym) also writes its stack trace to stderr.
 * A result JSON cannot write is answered as an error too: the server ends only on `close` or at
 * the end of its input. An answer, result or error, may also hold `"warnings": [message, ...]`:
 * what the env, its checker or an agent warned of (env/core/logger.ts's `warn`) while the server
 * handled that request, in order, which the server does not print (the Python client raises each
 * with gymnasium.logger.warn, a UserWarning, as Gymnasium's envs warn); the field is absent when
 * there were none, and a client may ignore it.
 */
import * as z from 'zod';
import { AttributeRefusedError, Dict, GymError, InvalidActionError, issueLines, KwargsError, make, makeVec, elementFromJSON, ResetNeededError, SpaceError, Tuple, UnregisteredEnvError, type Env, type Info, type Space, type VectorEnv } from '../../env/index.ts';
import type { Agent } from '../../baselines/agent.ts';
import { AgentCreationError, agentEntry, createAgent, scriptedAgentNames, UnknownAgentError, type AgentEntry } from '../../baselines/create-agent.ts';
import { synchronousAction } from '../../baselines/harness/run-episode.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { formatValue } from '../../env/core/format.ts';
import { setWarningHandler } from '../../env/core/logger.ts';
import { bugText, isUserError } from '../user-errors.ts';
import { AUTORESET_MODES } from '../../env/vector/vector-env.ts';
import { VECTORIZATION_MODES } from '../../env/vector/make-vec.ts';
import { importHint } from '../user-modules.ts';
import { missingCommittedModel } from '../committed-models.ts';
import { withArrayDtypes } from './wire-json.ts';
import { registerLearnedAgentsLazily } from '../learned-agents.ts';

/** Envs one vector server steps at most (as `train`'s hyperparameter bound). */
const MAX_ENVS = 1024;

/** Agents `act` keeps made at most: a client asking with new options each episode (`sample: i`) would otherwise pile up networks for hours. */
const MAX_KEPT_AGENTS = 16;

const MakeRequest = z.strictObject({
  method: z.literal('make'),
  id: z.string().describe('A registered env id'),
  kwargs: z.record(z.string(), z.unknown()).optional().describe("make()'s keyword arguments"),
  maxEpisodeSteps: z.number().optional().describe("make()'s option: the TimeLimit (-1 drops the id's)"),
  numEnvs: z.number().int().optional().describe(`Serve a vector env of this many envs (1 to ${MAX_ENVS}; makeVec) instead of one env`),
  autoresetMode: z.enum(AUTORESET_MODES).optional().describe("The vector env's autoreset mode (Gymnasium's; default next-step)"),
  vectorizationMode: z.enum(VECTORIZATION_MODES).optional().describe("makeVec's vectorizationMode (Gymnasium's vectorization_mode; default: the id's native vector env if it has one, else sync)"),
});
const Request = z.discriminatedUnion('method', [
  MakeRequest,
  z.strictObject({ method: z.literal('reset'), seed: z.unknown().optional(), options: z.record(z.string(), z.unknown()).nullable().optional() }),
  z.strictObject({ method: z.literal('step'), action: z.unknown() }),
  z.strictObject({ method: z.literal('act'), agent: z.string(), options: z.record(z.string(), z.unknown()).optional() }),
  z.strictObject({ method: z.literal('render') }),
  z.strictObject({ method: z.literal('getAttr'), name: z.string() }),
  z.strictObject({ method: z.literal('setAttr'), name: z.string(), values: z.unknown() }),
  z.strictObject({ method: z.literal('call'), name: z.string(), args: z.array(z.unknown()).optional() }),
  z.strictObject({ method: z.literal('close') }),
]);
type Request = z.infer<typeof Request>;

/** The answer to one request; `warnings`, when the request raised any, are their messages in order (env/core/logger.ts's `warn`). */
export type Response = ({ readonly result: unknown } | { readonly error: { readonly type: string; readonly message: string; readonly unexpectedKeys?: readonly string[] } }) & { readonly warnings?: readonly string[] };

/** A request that is not one: malformed JSON, an unknown method, a missing field, `step` before `make`. */
export class ProtocolError extends GymError {}

/** A well-formed request with an argument the env cannot take (numEnvs out of range, an agent made for another scenario). */
class ArgumentError extends GymError {}

export class EnvServer {
  private env: Env<unknown, unknown> | VectorEnv<unknown, unknown> | undefined;
  private id: string | undefined;
  /** What `act` answers for: the observation and info of the last reset or step, and the reset's seed. */
  private last: { obs: unknown; info: Info; seed: number | undefined } | undefined;
  /** The agents `act` has made, by name and options, the one asked last at the end. */
  private readonly agents = new Map<string, { name: string; agent: Agent }>();
  /** Whether `close` was requested: the server should stop reading (it refuses every later request but `close`). */
  closed = false;

  /**
   * The response to one parsed request, with the warnings it raised in place of printing them
   * (the client raises them as its own); never rejects. Await each before the next: the warning
   * handler is the process's.
   */
  async handle(request: unknown): Promise<Response> {
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    let response: Response;
    try {
      response = { result: await this.dispatch(request) };
    } catch (error) {
      response = errorResponse(error);
    } finally {
      setWarningHandler(previous);
    }
    return warnings.length === 0 ? response : { ...response, warnings };
  }

  private async dispatch(raw: unknown): Promise<unknown> {
    const parsed = Request.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw new ProtocolError(`bad request: ${issueLines(parsed.error.issues).join('; ')}`);
    const request: Request = parsed.data;
    if (this.closed) {
      // the reader stops at close (`closed`); an env made after it would never be closed
      if (request.method === 'close') return null;
      throw new ProtocolError(`${request.method} after close: this server is closed; start another server`);
    }
    if (request.method === 'make') return this.make(request);
    if (request.method === 'close') {
      this.closed = true;
      // every agent and the env are released even if an agent's dispose throws; the first error is answered
      let failure: { error: unknown } | undefined;
      for (const { name, agent } of this.agents.values()) {
        try {
          asAgent(name, () => agent.dispose?.());
        } catch (error) {
          failure ??= { error };
        }
      }
      this.agents.clear();
      const env = this.env;
      this.env = undefined;
      env?.close();
      if (failure !== undefined) throw failure.error;
      return null;
    }
    const env = this.env;
    if (env === undefined) throw new ProtocolError(`${request.method} before make: send {"method": "make", "id": ...} first`);
    switch (request.method) {
      case 'reset': {
        const seed = request.seed == null ? undefined : (request.seed as number);
        const [obs, info] = env.reset({ ...(seed === undefined ? {} : { seed }), ...(request.options == null ? {} : { options: request.options }) });
        this.last = { obs, info, seed };
        this.resetAgents(seed);
        return { obs, info: flagsAsBooleans(info) };
      }
      case 'step': {
        const [obs, reward, terminated, truncated, info] = env.step(actionFromJSON(env, request.action));
        if (this.last !== undefined) this.last = { ...this.last, obs, info };
        return { obs, reward, terminated: asBooleans(terminated), truncated: asBooleans(truncated), info: flagsAsBooleans(info) };
      }
      case 'act': {
        if ('numEnvs' in env) throw new ProtocolError('act: agents act on one env; serve one env (make without numEnvs) to ask them');
        if (this.last === undefined) throw new ResetNeededError('act before reset: reset the env first, so the agent has an observation to act on');
        const agent = await this.agent(env, request.agent, request.options ?? {});
        const { obs, info } = this.last;
        return asAgent(request.agent, () => checkedAction(env, agent.act(obs, { info, env })));
      }
      case 'render':
        if ('numEnvs' in env) throw new ProtocolError('render: a vector env does not render; serve one env to render it');
        return env.render() ?? null;
      case 'getAttr':
      case 'setAttr':
      case 'call':
        if (!('numEnvs' in env)) throw new ProtocolError(`${request.method}: a vector env's request (Gymnasium's get_attr, set_attr, call); serve a vector env (make with numEnvs)`);
        return attribute(env, request);
    }
  }

  /**
   * Resets every agent with the env's `seed`, even after one throws: the first error is thrown
   * after (naming its agent). An agent whose reset failed is dropped (and disposed), as one whose
   * first reset fails is not kept: it would act unreset; the next act makes it anew.
   */
  private resetAgents(seed: number | undefined): void {
    let failure: { error: unknown } | undefined;
    for (const [key, { name, agent }] of this.agents) {
      try {
        asAgent(name, () => agent.reset(seed));
      } catch (error) {
        failure ??= { error };
        this.agents.delete(key);
        disposeQuietly(agent);
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  /**
   * Agent `name` with `options` for `env`, made on first use (then reset as the env was last
   * reset); making one beyond MAX_KEPT_AGENTS disposes the one asked longest ago.
   */
  private async agent(env: Env<unknown, unknown>, name: string, options: Record<string, unknown>): Promise<Agent> {
    const key = `${name} ${JSON.stringify(options)}`;
    const made = this.agents.get(key);
    if (made !== undefined) {
      this.agents.delete(key);
      this.agents.set(key, made);
      return made.agent;
    }
    const entry = await registeredAgent(name);
    // the scripted agents read a B-DT env's system model (a learned agent acts on any env it was trained on)
    const raw = env.unwrapped;
    if (scriptedAgentNames.includes(name) && !(raw instanceof BdtEnv)) throw new ArgumentError(`act: agent ${name} acts on a B-DT env; this server serves ${this.id}, which is not one`);
    // an agent such as WTCM acts on its own variant of the scenario: the env must play it (made
    // with it, or an id whose scenario is it already)
    const override = entry.scenarioOverride;
    if (override !== undefined && !(raw instanceof BdtEnv && includes(raw.system.scenario, override))) {
      throw new ArgumentError(`act: ${name} acts on a scenario with ${JSON.stringify(override)}; make the env with kwargs {"scenario": ${JSON.stringify(override)}} (merged with yours) to ask it`);
    }
    const noModel = missingCommittedModel('act:', name, this.id, 'checkpoint' in options, 'the checkpoint option (from Python: agent_action(name, checkpoint="runs/..."))');
    if (noModel !== undefined) throw new ArgumentError(noModel);
    const agent = await createAgent(name, env, options).catch((error: unknown) => {
      // createAgent rejects with a factory's refusals as they are: a plain GymError (the oracle's
      // on a scenario too large for it) is of this request's arguments too, as its subclasses
      // (KwargsError, ScenarioError) are; an AgentCreationError is the agent's own failure
      throw error instanceof GymError && error.constructor === GymError ? new ArgumentError(error.message) : error;
    });
    try {
      asAgent(name, () => agent.reset(this.last?.seed));
    } catch (error) {
      // not kept: an agent whose reset failed would act unreset
      disposeQuietly(agent);
      throw error;
    }
    this.agents.set(key, { name, agent });
    for (const [oldest, { agent: old }] of this.agents) {
      if (this.agents.size <= MAX_KEPT_AGENTS) break;
      this.agents.delete(oldest);
      disposeQuietly(old);
    }
    return agent;
  }

  private make(request: z.infer<typeof MakeRequest>): unknown {
    if (this.env !== undefined) throw new ProtocolError(`make: this server already serves ${this.id}; start another server for another env`);
    if (request.numEnvs !== undefined) {
      if (request.maxEpisodeSteps !== undefined) throw new ProtocolError("make: maxEpisodeSteps applies to one env (make), not to a vector env (numEnvs); a B-DT episode's length is the scenario's slots");
      if (request.numEnvs < 1 || request.numEnvs > MAX_ENVS) throw new ArgumentError(`make: numEnvs = ${request.numEnvs}; give an integer from 1 to ${MAX_ENVS}`);
      const vector = makeVec(request.id, request.numEnvs, {
        kwargs: request.kwargs ?? {},
        copy: false,
        ...(request.autoresetMode === undefined ? {} : { autoresetMode: request.autoresetMode }),
        ...(request.vectorizationMode === undefined ? {} : { vectorizationMode: request.vectorizationMode }),
      });
      this.env = vector;
      this.id = request.id;
      return { numEnvs: vector.numEnvs, singleObservationSpace: vector.singleObservationSpace.toJSON(), singleActionSpace: vector.singleActionSpace.toJSON(), autoresetMode: vector.autoresetMode };
    }
    if (request.autoresetMode !== undefined) throw new ProtocolError('make: autoresetMode applies to a vector env; give numEnvs too');
    if (request.vectorizationMode !== undefined) throw new ProtocolError('make: vectorizationMode applies to a vector env; give numEnvs too');
    const steps = request.maxEpisodeSteps;
    if (steps !== undefined && !(Number.isInteger(steps) && (steps >= 1 || steps === -1))) throw new ArgumentError(`make: maxEpisodeSteps = ${steps}; give an integer >= 1, or -1 to drop the id's time limit`);
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

/**
 * The answer to a getAttr, setAttr or call request. The env refuses a name with an
 * AttributeRefusedError (env/core/errors.ts), which reaches the client as such; any other error
 * (an argument the called method refuses) keeps its own class.
 */
function attribute(env: VectorEnv<unknown, unknown>, request: Extract<Request, { method: 'getAttr' | 'setAttr' | 'call' }>): unknown {
  const missing = () => new ProtocolError(`${request.method}: ${String(env)} has no ${request.method}; make with "vectorizationMode": "sync" serves a SyncVectorEnv, which has one`);
  switch (request.method) {
    case 'getAttr':
      if (env.getAttr === undefined) throw missing();
      return withArrayDtypes(dataOnly(request.name, env.getAttr(request.name)));
    case 'setAttr':
      if (env.setAttr === undefined) throw missing();
      env.setAttr(request.name, wireSettable(env, request.name, request.values));
      return null;
    case 'call':
      if (env.call === undefined) throw missing();
      // the envs would be closed under a server that goes on serving them
      if (request.name === 'close') throw new ArgumentError('call "close": the envs close with the server: send {"method": "close"} (from Python: envs.close()), which ends it; the envs go on');
      return withArrayDtypes(env.call(request.name, ...(request.args ?? [])));
  }
}

/** getAttr's `values`, refused when one is a method: JSON cannot carry it (it was answered as null). */
function dataOnly(name: string, values: unknown[]): unknown[] {
  const method = values.findIndex((value) => typeof value === 'function');
  if (method >= 0) throw new ArgumentError(`getAttr "${name}": env ${method}'s "${name}" is a method, which no JSON value carries; call it with {"method": "call", "name": "${name}"}`);
  return values;
}

/**
 * `values` (one for all envs, or a list of one per env) as they may replace `name`'s current
 * values: wire JSON is data, so a value of another kind would break the env rather than set it (a
 * string where the env computes with a number, a number where it holds the env it wraps). Each
 * must be of its current value's kind: a number (not NaN), a string or a boolean as that; a list
 * of numbers as long as a typed array (made one of its class); a list or a plain object; anything
 * when the env has no such value yet (null or absent: Gymnasium's set_attr makes it). A value
 * of another class (an env, a space) is refused: set it in the server's process (an --import module).
 */
function wireSettable(env: VectorEnv<unknown, unknown>, name: string, values: unknown): unknown {
  let current: unknown[];
  try {
    current = env.getAttr?.(name) ?? [];
  } catch (error) {
    if (error instanceof AttributeRefusedError) return values; // a new attribute, or one the env refuses to set too
    throw error;
  }
  const perEnv = Array.isArray(values);
  if (current.length === 0 || (perEnv && values.length !== current.length)) return values; // the env's own count check answers
  const settable = current.map((now, i) => {
    const value: unknown = perEnv ? values[i] : values;
    const refuse = (expected: string) => new ArgumentError(`setAttr "${name}": env ${i} holds ${expected}, so it takes ${expected === 'a number' ? 'a number other than NaN' : expected}; got ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value))}`);
    if (now === undefined || now === null) return value;
    if (typeof now === 'number') {
      if (typeof value !== 'number' || Number.isNaN(value)) throw refuse('a number');
      return value;
    }
    if (typeof now === 'string' || typeof now === 'boolean') {
      if (typeof value !== typeof now) throw refuse(`a ${typeof now}`);
      return value;
    }
    if (ArrayBuffer.isView(now) && !(now instanceof DataView)) {
      const length = (now as unknown as ArrayLike<number>).length;
      const kind = `a ${now.constructor.name} of ${length} numbers`;
      if (!Array.isArray(value) || value.length !== length || !value.every((x) => typeof x === 'number' && !Number.isNaN(x))) throw refuse(kind);
      return new (now.constructor as new (items: number[]) => unknown)(value as number[]);
    }
    if (Array.isArray(now)) {
      if (!Array.isArray(value)) throw refuse('a list');
      return value;
    }
    const prototype: unknown = Object.getPrototypeOf(now);
    if (prototype === Object.prototype || prototype === null) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refuse('an object');
      return value;
    }
    const held = typeof now === 'function' ? 'a function' : `an object of class ${(now as object).constructor?.name ?? 'unknown'}`;
    throw new AttributeRefusedError(`setAttr "${name}": env ${i} holds ${held}, which no JSON value can replace; set it in the server's process (a module given to --import)`);
  });
  return settable; // one per env: a typed array made for each
}

/** An error of agent `agent`'s `reset`, `act` (or its action) or `dispose`, answered naming the agent; the error thrown is the `cause`. */
class AgentError extends Error {
  readonly agent: string;
  override readonly cause: unknown;

  constructor(agent: string, cause: unknown) {
    super(`agent "${agent}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.agent = agent;
    this.cause = cause;
  }
}

/** `call()`, an error in it thrown as agent `name`'s. */
function asAgent<T>(name: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new AgentError(name, error);
  }
}

/** Disposes an agent whose reset failed: the reset's error is the one to answer, not the dispose's. */
function disposeQuietly(agent: Agent): void {
  try {
    agent.dispose?.();
  } catch {
    // dropped on purpose
  }
}

/**
 * `action` if it is one of `env`'s actions, as step would take it; else an InvalidActionError
 * (a client would otherwise receive what no step takes: `{}` for undefined, a NaN share, a
 * value JSON cannot write).
 */
function checkedAction(env: Env<unknown, unknown>, action: unknown): unknown {
  const space = env.actionSpace;
  if (!space.contains(synchronousAction(action))) throw new InvalidActionError(`act returned an invalid action: ${space.explain(action) ?? 'not contained'} (action ${formatValue(action)}; action space ${space.toString()})`);
  return action;
}

/**
 * The response to a request that threw: its error class and message. An agent's errors name the
 * agent, with the class of what it threw; an error that is no refusal of bad input (a bug in an
 * agent or in bdt-gym) also writes its stack trace to stderr, which the Python client forwards.
 */
export function errorResponse(error: unknown): Extract<Response, { error: unknown }> {
  const cause = error instanceof AgentError || error instanceof AgentCreationError ? error.cause : error;
  if (!isUserError(cause)) {
    const agent = error instanceof AgentError ? `agent "${error.agent}": ` : error instanceof AgentCreationError ? `agent "${error.agent}" could not be created: ` : '';
    process.stderr.write(`bdt-gym serve: ${agent}${bugText(cause)}\n`);
  }
  const message = error instanceof Error ? error.message + serveImportHint(error) : String(error);
  const unexpectedKeys = cause instanceof KwargsError ? cause.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : [])) : [];
  return { error: { type: cause instanceof Error ? cause.constructor.name : 'Error', message, ...(unexpectedKeys.length > 0 ? { unexpectedKeys } : {}) } };
}

/**
 * The action (a vector env's: actions) `json` describes; one that cannot be read into the space is
 * an invalid action, as one outside it, and says so as the env's own refusals (`BdtEnv.step:
 * invalid action: ...`).
 */
function actionFromJSON(env: Env<unknown, unknown> | VectorEnv<unknown, unknown>, json: unknown): unknown {
  const vector = 'numEnvs' in env;
  const where = vector ? 'actions' : 'action';
  try {
    if (vector) checkRows(env.singleActionSpace, json, where, [env.numEnvs]);
    else checkRows(env.actionSpace, json, where, []);
    return elementFromJSON(env.actionSpace, json, where);
  } catch (error) {
    if (error instanceof SpaceError) throw new InvalidActionError(`${env.unwrapped.constructor.name}.step: invalid action: ${error.message}`);
    throw error;
  }
}

/**
 * Refuses nested rows of a Box, MultiDiscrete or MultiBinary part of `space` that do not have its
 * shape after `batch` (a vector env's [numEnvs]): elementFromJSON flattens nested arrays, so
 * ragged rows of the right total length would be read as some other action. A flat array is left
 * to the space's own check.
 */
function checkRows(space: Space<unknown>, json: unknown, where: string, batch: readonly number[]): void {
  if (space instanceof Dict) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
    for (const key of space.keys) if (Object.hasOwn(json, key)) checkRows(space.spaces[key]!, (json as Record<string, unknown>)[key], `${where}.${key}`, batch);
    return;
  }
  if (space instanceof Tuple) {
    if (Array.isArray(json)) (space.spaces as readonly Space<unknown>[]).forEach((part, i) => checkRows(part, json[i], `${where}[${i}]`, batch));
    return;
  }
  if (!Array.isArray(json) || !json.some(Array.isArray)) return;
  const shape = [...batch, ...space.shape];
  const visit = (value: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(value)) throw new SpaceError(`${at}: expected a number (nested rows of shape [${shape.join(', ')}]), got an array`);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) throw new SpaceError(`${at}: expected ${shape[depth]} entries (nested rows of shape [${shape.join(', ')}]), got ${Array.isArray(value) ? value.length : formatValue(value)}`);
    value.forEach((item, i) => visit(item, depth + 1, `${at}[${i}]`));
  };
  visit(json, 0, where);
}

/**
 * `info` with its Uint8Array columns as arrays of booleans: a vector info keeps flags and `_key`
 * masks as 0/1 bytes (addInfo), which would reach a client as numbers, indistinguishable from
 * counts. (Nothing else in an info is a Uint8Array.)
 */
export function flagsAsBooleans(info: Info): Info {
  const out: Info = {};
  for (const [key, value] of Object.entries(info)) {
    out[key] = value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype ? flagsAsBooleans(value as Info) : asBooleans(value);
  }
  return out;
}

/** A vector env's 0/1 flag bytes (its `terminated`, `truncated`) as booleans, as a single env's flags are; anything else as it is. */
export function asBooleans(value: unknown): unknown {
  return value instanceof Uint8Array ? Array.from(value, Boolean) : value;
}

/**
 * For an unknown agent or env id, how a client brings its own into the server: a module given
 * to the server with --import (python/: in BDT_GYM_COMMAND); nothing for other errors.
 */
function serveImportHint(error: Error): string {
  if (error instanceof UnknownAgentError) return importHint('agent', 'serve (from Python: in BDT_GYM_COMMAND)');
  if (error instanceof UnregisteredEnvError) return importHint('env id', 'serve (from Python: in BDT_GYM_COMMAND)');
  return '';
}

/** The registry entry of agent `name`, registering the learned agents on first need (a server made in-process; the CLI registers them at start). */
async function registeredAgent(name: string): Promise<AgentEntry> {
  try {
    return agentEntry(name);
  } catch (error) {
    if (!(error instanceof UnknownAgentError)) throw error;
    registerLearnedAgentsLazily();
    return agentEntry(name);
  }
}

/** Whether `value` holds every field of `part` (deeply) with the same value. */
function includes(value: unknown, part: unknown): boolean {
  if (typeof part !== 'object' || part === null) return Object.is(value, part);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(part).every(([key, sub]) => includes((value as Record<string, unknown>)[key], sub));
}
