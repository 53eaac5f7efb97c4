/**
 * Messages between `AsyncVectorEnv` and its workers. Every request gets exactly one reply on
 * the worker's port, posted before the worker raises its flag in the shared `Int32Array`, so the
 * main thread can block on `Atomics.wait` and then read the reply with `receiveMessageOnPort`.
 * Attribute values and call arguments and results travel as `Carried` (see worker-values.ts).
 */
import type { Info, ResetArgs } from '../env/core/env.ts';
import type { SpaceJSON } from '../env/spaces/space.ts';
import type { AutoresetMode } from '../env/vector/vector-env.ts';
import type { Carried } from './worker-values.ts';

/** How a worker builds its env: `make(id, kwargs, makeOptions)` after importing `imports`. */
export interface EnvRecipe {
  /** A registered env id. */
  id: string;
  /** Env keyword arguments (structured-cloneable). */
  kwargs?: Record<string, unknown>;
  /** `make` options. */
  makeOptions?: { maxEpisodeSteps?: number; disableEnvChecker?: boolean };
  /** Module URLs (e.g. `new URL('./my-env.ts', import.meta.url).href`) imported first, to register custom ids: a worker does not see the main thread's registrations. */
  imports?: string[];
  /** Wrap the env in RecordEpisodeStatistics (info.episode on episode ends). */
  recordEpisodeStatistics?: boolean;
}

export interface WorkerInit {
  recipe: EnvRecipe;
  /** The env's index, for error messages. */
  index: number;
  flags: SharedArrayBuffer;
  /** How the worker resets its env when an episode ends (`disabled` is enforced by the main thread). */
  autoresetMode: AutoresetMode;
}

export type Request =
  | { type: 'reset'; args: ResetArgs }
  | { type: 'step'; action: unknown }
  /** The env's attribute `name`, through its wrappers (`getWrapperAttr`). */
  | { type: 'getAttr'; name: string }
  /** Sets the env's attribute `name`, through its wrappers (`setWrapperAttr`). */
  | { type: 'setAttr'; name: string; value: Carried }
  /** Calls the env's method `name` through its wrappers (a non-function attribute is its own result). */
  | { type: 'call'; name: string; args: Carried[] }
  | { type: 'close' };

export type Reply =
  /** `warnings`: those of the recipe's imports and make, which the main thread reports. */
  | { type: 'ready'; observationSpace: SpaceJSON; actionSpace: SpaceJSON; specId: string | undefined; warnings: string[] }
  | { type: 'reset'; obs: unknown; info: Info }
  /** `final`: in same-step mode, the ended episode's last observation and info (`obs`, `info` are then the reset's). */
  | { type: 'step'; obs: unknown; reward: number; terminated: boolean; truncated: boolean; info: Info; final?: { obs: unknown; info: Info } }
  | { type: 'getAttr'; value: Carried }
  | { type: 'setAttr' }
  | { type: 'call'; value: Carried }
  | { type: 'closed' }
  /**
   * `gymError`: the error was a GymError (of a class the main thread may not know); `check`: an
   * EnvCheckError's; `warnings`: a failed start's, as `ready`'s (the main thread reports them before the error).
   */
  | { type: 'error'; name: string; message: string; stack: string | undefined; gymError?: boolean; check?: string; warnings?: string[] };
