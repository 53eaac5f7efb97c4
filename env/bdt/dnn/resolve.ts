/** A DNN reference as a scenario writes it: a built-in name or an inline layer spec. */
import { profileFromSpec, type DnnProfile, type ProfileOptions } from './profile.ts';
import type { DnnSpecInput } from './spec.ts';
import { getBuiltinDnn } from './zoo/index.ts';

/** A built-in DNN name (see `builtinDnnNames`) or an inline spec (see `dnnSpecSchema`). */
export type DnnReference = string | DnnSpecInput;

/** The profile of a DNN reference; unknown names and bad specs throw with what and where. */
export function resolveDnnProfile(reference: DnnReference, options: ProfileOptions = {}): DnnProfile {
  return profileFromSpec(typeof reference === 'string' ? getBuiltinDnn(reference) : reference, options);
}
