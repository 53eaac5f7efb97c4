/**
 * Whether a checkpoint's policy fits an env's spaces, from its manifest alone (no TensorFlow.js):
 * what loading checks, and what a command checks first to say which env the checkpoint is for.
 */
import type { CheckpointManifest } from './manifest.ts';

/** A space as the manifest records it (`toJSON`) and as messages print it (`toString`). */
export interface PrintableSpace {
  toJSON(): object;
  toString(): string;
}

/**
 * The layout of a space's JSON form without Box bounds: what the networks depend on. Observation
 * bounds may differ (B-DT's queue bounds scale with the episode length T) since inputs are
 * normalised by running statistics, never by the bounds.
 */
function layoutOf(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(layoutOf);
  if (json === null || typeof json !== 'object') return json;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if ((json as { type?: unknown }).type === 'Box' && (key === 'low' || key === 'high')) continue;
    out[key] = layoutOf(value);
  }
  return out;
}

/**
 * What of the env's spaces the checkpoint's policy does not fit: its observation layout (keys,
 * shapes, dtypes, category counts) or its action space (exactly: its bounds define the actions);
 * undefined when it fits.
 */
export function spaceMismatch(manifest: Pick<CheckpointManifest, 'observationSpace' | 'actionSpace'>, observationSpace: PrintableSpace, actionSpace: PrintableSpace): 'observation layout' | 'action space' | undefined {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (!same(layoutOf(manifest.observationSpace), layoutOf(observationSpace.toJSON()))) return 'observation layout';
  if (!same(manifest.actionSpace, actionSpace.toJSON())) return 'action space';
  return undefined;
}
