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

/** A path's segments as a message names them: `partition.nvec[0]`, `[1].shape`. */
function pathName(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || 'the space';
}

/** How {@link spaceDifference} compares two spaces. */
interface SpaceDifferenceOptions {
  /** Leave Box bounds out, as the observation check does (default false: the action check's exact comparison). */
  readonly layoutOnly?: boolean;
}

/**
 * Where a checkpoint's space (its JSON form, as the manifest records it) first differs from the
 * env's, for a message: `partition.nvec[0]: the checkpoint's 8, this env's 5`, `H.shape: the
 * checkpoint's [3], this env's [4]`, a Dict key only one of them has, or the Dicts' key order;
 * undefined when the two are the same.
 */
function spaceDifference(checkpointSpace: unknown, envSpace: PrintableSpace, { layoutOnly = false }: SpaceDifferenceOptions = {}): string | undefined {
  const [trained, played] = layoutOnly ? [layoutOf(checkpointSpace), layoutOf(envSpace.toJSON())] : [checkpointSpace, envSpace.toJSON()];
  return firstDifference(trained, played, []);
}

/** {@link spaceDifference} of the space {@link spaceMismatch} found the checkpoint does not fit (`misfit`), compared as it compares it. */
export function misfitDifference(misfit: 'observation layout' | 'action space', manifest: Pick<CheckpointManifest, 'observationSpace' | 'actionSpace'>, observationSpace: PrintableSpace, actionSpace: PrintableSpace): string | undefined {
  return misfit === 'observation layout' ? spaceDifference(manifest.observationSpace, observationSpace, { layoutOnly: true }) : spaceDifference(manifest.actionSpace, actionSpace);
}

/** The first difference of two JSON values under `path`, walking Dicts by key. */
function firstDifference(trained: unknown, played: unknown, path: readonly (string | number)[]): string | undefined {
  if (JSON.stringify(trained) === JSON.stringify(played)) return undefined;
  const both = (test: (value: unknown) => boolean) => test(trained) && test(played);
  const shown = (value: unknown): string => (value === undefined ? 'none' : JSON.stringify(value));
  const differ = `${pathName(path)}: the checkpoint's ${shown(trained)}, this env's ${shown(played)}`;
  // a shape is read whole ([3] against [4]); nvec and bounds by element
  if (both(Array.isArray) && path.at(-1) !== 'shape') {
    const [a, b] = [trained as unknown[], played as unknown[]];
    if (a.length !== b.length) return differ;
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i], b[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return differ;
  }
  if (!both((value) => typeof value === 'object' && value !== null && !Array.isArray(value))) return differ;
  const [a, b] = [trained as Record<string, unknown>, played as Record<string, unknown>];
  // a Dict's subspaces by key (its JSON holds keys and spaces as two lists)
  if (a['type'] === 'Dict' && b['type'] === 'Dict' && both((value) => Array.isArray((value as { keys?: unknown }).keys) && Array.isArray((value as { spaces?: unknown }).spaces))) {
    const [keysA, keysB] = [a['keys'] as string[], b['keys'] as string[]];
    const [spacesA, spacesB] = [a['spaces'] as unknown[], b['spaces'] as unknown[]];
    for (const [i, key] of keysA.entries()) {
      const j = keysB.indexOf(key);
      const found = j < 0 ? `${pathName([...path, key])}: only the checkpoint's space has it` : firstDifference(spacesA[i], spacesB[j], [...path, key]);
      if (found !== undefined) return found;
    }
    const added = keysB.find((key) => !keysA.includes(key));
    if (added !== undefined) return `${pathName([...path, added])}: only this env's space has it`;
    // the same keys and subspaces: a Dict's key order counts (it orders the flattened values)
    return `${pathName(path)}: key order: the checkpoint's ${JSON.stringify(keysA)}, this env's ${JSON.stringify(keysB)}`;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    // a Tuple's subspaces are named by index alone
    const found = firstDifference(a[key], b[key], a['type'] === 'Tuple' && key === 'spaces' ? path : [...path, key]);
    if (found !== undefined) return found;
  }
  return differ;
}
