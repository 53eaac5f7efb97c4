/**
 * Where a scenario's DNN names resolve to per-unit profiles: the scenario's own `dnns` (a layer
 * spec or a measured profile) first, then the built-ins of env/bdt/dnn. chi = 2 x MACs (the
 * dnn module's default 'macs' convention).
 */
import { warn } from '../../core/logger.ts';
import { getBuiltinDnn, profileFromSpec, type DnnProfile, type ScenarioDnnSpecInput } from '../dnn/index.ts';

/** Per-unit profile of one DNN: chi^l for l = 1..L and s^l for l = 0..L. */
export interface UnitProfile {
  /** chi^l, FLOPs per data point of unit l = 1..L (length L). */
  readonly unitFlops: readonly number[];
  /** s^l, bits per data point of the input (l = 0) and each unit's output (length L + 1). */
  readonly outputBits: readonly number[];
}

/** A custom DNN as the scenario gives it: a measured profile or a layer spec. */
export type CustomDnn = UnitProfile | ScenarioDnnSpecInput;

function unitProfile(profile: DnnProfile): UnitProfile {
  return { unitFlops: profile.units.map((u) => u.flops), outputBits: [profile.inputBits, ...profile.units.map((u) => u.outputBits)] };
}

/** Built-in profiles are pure functions of their name: computed once. */
const builtinCache = new Map<string, UnitProfile>();

/** The key/name pairs already warned about: once per process, not once per env of a vector env or per make of a loop. */
const warnedNames = new Set<string>();

/** A layer spec under a key other than its name: the key names the DNN (devices.dnn refers to it), the name is ignored. */
function warnIgnoredName(key: string, specName: string): void {
  const pair = JSON.stringify([key, specName]);
  if (warnedNames.has(pair)) return;
  warnedNames.add(pair);
  warn(`dnns.${key}: the layer spec's name ${JSON.stringify(specName)} is ignored; its key ${JSON.stringify(key)} names the DNN (set name to ${JSON.stringify(key)} to silence this)`);
}

/** The profile named `name` (custom DNNs never take a built-in's name: the schema refuses it); unknown names throw (the schema checks them first). */
export function resolveDnn(name: string, custom: Readonly<Record<string, CustomDnn>>): UnitProfile {
  const own = custom[name];
  if (own) {
    if ('unitFlops' in own) return own;
    if (own.name !== undefined && own.name !== name) warnIgnoredName(name, own.name);
    return unitProfile(profileFromSpec({ ...own, name }));
  }
  let profile = builtinCache.get(name);
  if (!profile) {
    profile = unitProfile(profileFromSpec(getBuiltinDnn(name)));
    builtinCache.set(name, profile);
  }
  return profile;
}
