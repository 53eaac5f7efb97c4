/**
 * DNN profiles: per partition unit, the compute per data point and the size of the output sent
 * when the DNN is cut after that unit. The B-DT model consumes them as prefix sums
 * (`BdtSystem.cumFlops`, `BdtSystem.outputBits`).
 */
import { assertNever } from '../../core/errors.ts';
import { formatValue } from '../../core/format.ts';
import { analyzeSpec, elementCount } from './analyze.ts';
import { DnnSpecError } from './errors.ts';
import { dnnSpecSchema, type DnnSpecInput } from './spec.ts';

/** How `flops` is derived from the counts: see docs/DNN-PROFILES.md. */
export type FlopsConvention =
  /** flops = 2 x macs (conv and dense only; the model's chi and torchvision's convention). */
  | 'macs'
  /** flops = 2 x macs + otherOps (bias, batch norm, activations, pooling, residual adds). */
  | 'macs+elementwise';

/** Every {@link FlopsConvention}. */
const FLOPS_CONVENTIONS: readonly FlopsConvention[] = ['macs', 'macs+elementwise'];

/** `options.flopsConvention`, 'macs' when not given; another value throws, naming `owner` (plain JavaScript callers). */
export function flopsConventionOf(options: ProfileOptions, owner: string): FlopsConvention {
  const convention = options.flopsConvention ?? 'macs';
  if (!FLOPS_CONVENTIONS.includes(convention)) {
    throw new Error(`${owner}: options.flopsConvention must be one of ${FLOPS_CONVENTIONS.map((c) => `'${c}'`).join(', ')}, got ${formatValue(convention)}`);
  }
  return convention;
}

/** Options shared by both profile builders. */
export interface ProfileOptions {
  /** Default 'macs': flops = 2 x macs. */
  readonly flopsConvention?: FlopsConvention;
}

/** One partition unit of a profile (all counts per data point). */
export interface DnnUnitProfile {
  readonly name: string;
  /** Multiply-accumulates of the unit's conv, depthwise conv and dense layers (MAC). */
  readonly macs: number;
  /** Floating-point operations chi^l under the profile's convention (FLOP). */
  readonly flops: number;
  /** Element-wise and pooling ops not counted in `macs` (op). */
  readonly otherOps: number;
  /** Shapes of the tensors sent when the DNN is cut after this unit (one for a chain). */
  readonly outputShapes: ReadonlyArray<readonly number[]>;
  /** Elements of those tensors (count). */
  readonly outputElements: number;
  /** s^l = outputElements x bitsPerElement (bit). */
  readonly outputBits: number;
}

/** A DNN's partition profile. */
export interface DnnProfile {
  readonly name: string;
  /** Shapes of one input data point's tensors, no batch axis (one for a single-input DNN). */
  readonly inputShapes: ReadonlyArray<readonly number[]>;
  /** s^0, bits of one raw input data point (bit). */
  readonly inputBits: number;
  /** Bits per tensor element used for every size (bit). */
  readonly bitsPerElement: number;
  readonly flopsConvention: FlopsConvention;
  readonly units: readonly DnnUnitProfile[];
  /** Sum of unit MACs (MAC). */
  readonly totalMacs: number;
  /** Sum of unit FLOPs (FLOP). */
  readonly totalFlops: number;
}

/** chi from the counts under `convention`. */
export function flopsOf(macs: number, otherOps: number, convention: FlopsConvention): number {
  switch (convention) {
    case 'macs':
      return 2 * macs;
    case 'macs+elementwise':
      return 2 * macs + otherOps;
    default:
      return assertNever(convention, 'flopsOf: FLOPs convention');
  }
}

/** Assembles a profile from per-unit counts (shared by the spec and LayersModel paths). */
export function buildProfile(
  name: string,
  inputShapes: ReadonlyArray<readonly number[]>,
  bitsPerElement: number,
  units: ReadonlyArray<{ name: string; macs: number; otherOps: number; outputShapes: ReadonlyArray<readonly number[]> }>,
  convention: FlopsConvention,
): DnnProfile {
  const elementsOf = (shapes: ReadonlyArray<readonly number[]>) => shapes.reduce((sum, s) => sum + elementCount(s), 0);
  const unitProfiles = units.map((unit): DnnUnitProfile => {
    const outputElements = elementsOf(unit.outputShapes);
    return {
      name: unit.name,
      macs: unit.macs,
      flops: flopsOf(unit.macs, unit.otherOps, convention),
      otherOps: unit.otherOps,
      outputShapes: unit.outputShapes,
      outputElements,
      outputBits: outputElements * bitsPerElement,
    };
  });
  return {
    name,
    inputShapes,
    inputBits: elementsOf(inputShapes) * bitsPerElement,
    bitsPerElement,
    flopsConvention: convention,
    units: unitProfiles,
    totalMacs: unitProfiles.reduce((sum, u) => sum + u.macs, 0),
    totalFlops: unitProfiles.reduce((sum, u) => sum + u.flops, 0),
  };
}

/**
 * The profile of a layer spec by shape arithmetic. Validates first: a bad spec throws
 * DnnSpecError naming each offending path, rule and value.
 */
export function profileFromSpec(spec: DnnSpecInput, options: ProfileOptions = {}): DnnProfile {
  const parsed = dnnSpecSchema.safeParse(spec);
  if (!parsed.success) throw new DnnSpecError(parsed.error, spec);
  const convention = flopsConventionOf(options, 'profileFromSpec');
  const valid = parsed.data;
  const units = analyzeSpec(valid).map((unit) => ({ ...unit, outputShapes: [unit.shape] }));
  return buildProfile(valid.name, [valid.inputShape], valid.bitsPerElement, units, convention);
}

/** Prefix arrays of one profile, indexed by partition point l = 0..L. */
export interface ProfilePrefixArrays {
  /** cumFlops[l] = sum of the flops of units 1..l; cumFlops[0] = 0 (FLOP). */
  readonly cumFlops: Float64Array;
  /** outputBits[0] = inputBits, outputBits[l] = unit l's outputBits (bit). */
  readonly outputBits: Float64Array;
}

/** The prefix-sum arrays of `profile`, length L + 1. */
export function profilePrefixArrays(profile: DnnProfile): ProfilePrefixArrays {
  const length = profile.units.length + 1;
  const cumFlops = new Float64Array(length);
  const outputBits = new Float64Array(length);
  writePrefixArrays(profile, cumFlops, outputBits, 0);
  return { cumFlops, outputBits };
}

function writePrefixArrays(profile: DnnProfile, cumFlops: Float64Array, outputBits: Float64Array, offset: number): void {
  cumFlops[offset] = 0;
  outputBits[offset] = profile.inputBits;
  let sum = 0;
  profile.units.forEach((unit, i) => {
    sum += unit.flops;
    cumFlops[offset + i + 1] = sum;
    outputBits[offset + i + 1] = unit.outputBits;
  });
}

/** The DNN fields of `BdtSystem` for devices n = 0..N-1 running `profiles[n]`. */
export interface PackedProfiles {
  /** L_n (count). */
  readonly unitCount: Int32Array;
  /** Row of (n, l) is unitOffset[n] + l, l = 0..L_n; length N + 1. */
  readonly unitOffset: Int32Array;
  readonly cumFlops: Float64Array;
  readonly outputBits: Float64Array;
}

/** Flattens one profile per device into the layout of `BdtSystem` (see env/bdt/system.ts). */
export function packProfiles(profiles: readonly DnnProfile[]): PackedProfiles {
  const n = profiles.length;
  const unitCount = new Int32Array(n);
  const unitOffset = new Int32Array(n + 1);
  profiles.forEach((profile, i) => {
    unitCount[i] = profile.units.length;
    unitOffset[i + 1] = (unitOffset[i] as number) + profile.units.length + 1;
  });
  const rows = unitOffset[n] as number;
  const cumFlops = new Float64Array(rows);
  const outputBits = new Float64Array(rows);
  profiles.forEach((profile, i) => writePrefixArrays(profile, cumFlops, outputBits, unitOffset[i] as number));
  return { unitCount, unitOffset, cumFlops, outputBits };
}
