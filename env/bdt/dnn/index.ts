/**
 * DNN profiles for the B-DT model: per partition unit l of DT n's DNN, chi_n^l (FLOPs per data
 * point) and s_n^l (bits of the unit's output per data point). Profiles are computed, never typed
 * in: from a layer spec by shape arithmetic (`profileFromSpec`) or from a TensorFlow.js
 * LayersModel (`profileFromLayersModel`).
 *
 * What counts (full rules in docs/DNN-PROFILES.md):
 * - `macs`: multiply-accumulates of conv, depthwise conv and dense layers, counted over every
 *   output position including padded borders; this is what torchvision publishes as "GFLOPS".
 * - `flops` = 2 x `macs` by default (`flopsConvention: 'macs'`), the model's chi. With
 *   `'macs+elementwise'`, `otherOps` is added: bias adds, batch norm (2/element), activations
 *   (1/element), pooling, residual adds.
 * - Sizes: elements of the tensors crossing the cut x `bitsPerElement` (default 32).
 *
 * Partition units group consecutive layers (Neurosurgeon style: conv + ReLU + pool is one unit);
 * residual blocks are whole units, so a cut never has to send both branches.
 *
 * Built-ins (`builtinDnnNames`): alexnet (8 units, 0.714 GMAC), vgg16 (16, 15.47 GMAC), resnet18
 * (10, 1.814 GMAC), mobilenetv2 (20, 0.301 GMAC), all torchvision at 224x224x3, and
 * sensor-cnn1d (5 units, 1.83 MMAC over 128 x 6 IMU windows).
 *
 * For the compiled system, `packProfiles(profiles)` returns `unitCount`, `unitOffset`,
 * `cumFlops` and `outputBits` in the layout of `BdtSystem`.
 *
 * @module
 */
export {
  dnnSpecSchema,
  scenarioDnnSpecSchema,
  type ScenarioDnnSpecInput,
  layerSchema,
  primitiveLayerSchema,
  unitSchema,
  activationFunctions,
  type ActivationFunction,
  type DnnSpec,
  type DnnSpecInput,
  type LayerSpec,
  type LayerSpecInput,
  type PrimitiveLayerSpec,
} from './spec.ts';
export {
  profileFromSpec,
  profilePrefixArrays,
  packProfiles,
  flopsOf,
  type DnnProfile,
  type DnnUnitProfile,
  type FlopsConvention,
  type ProfileOptions,
  type ProfilePrefixArrays,
  type PackedProfiles,
} from './profile.ts';
export { profileFromLayersModel, type LayersModelProfileOptions } from './layers-model.ts';
export { convOutputLength, elementCount } from './analyze.ts';
export type { Padding } from './analyze.ts';
export { expandBasicBlock, expandInvertedResidual } from './blocks.ts';
export { DnnShapeError, DnnSpecError, type SpecPath } from './errors.ts';
export { builtinDnnNames, getBuiltinDnn, isBuiltinDnnName, type BuiltinDnnName } from './zoo/index.ts';
export { resolveDnnProfile, type DnnReference } from './resolve.ts';
