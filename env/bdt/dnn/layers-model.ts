/**
 * DNN profiles of TensorFlow.js LayersModels (sequential or functional), by the same counting
 * rules as the layer-spec path (see analyze.ts): MACs from each layer's config and its input
 * and output shapes. Only types are imported from tfjs: the function reads the model object it
 * is given, so env/ still loads without tfjs.
 */
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import { elementCount } from './analyze.ts';
import { buildProfile, flopsConventionOf, type DnnProfile, type ProfileOptions } from './profile.ts';
import { formatValue } from '../../core/format.ts';

type Layer = LayersModel['layers'][number];
type Config = Record<string, unknown>;

/** Options of `profileFromLayersModel`. */
export interface LayersModelProfileOptions extends ProfileOptions {
  /** Profile name (default: the model's name). */
  readonly name?: string;
  /** Bits per tensor element, finite and > 0 (default 32, float32). */
  readonly bitsPerElement?: number;
  /**
   * Partition units as runs of consecutive layers of `model.layers` (input layers excluded),
   * in order, with unique names; the counts must add up to the number of those layers. Default:
   * one unit per layer.
   */
  readonly units?: ReadonlyArray<{ readonly name: string; readonly layers: number }>;
}

/** Layers that only move or mask data: no ops. */
const FREE_LAYERS = new Set([
  'Flatten',
  'Reshape',
  'Permute',
  'RepeatVector',
  'Dropout',
  'SpatialDropout1D',
  'AlphaDropout',
  'GaussianDropout',
  'GaussianNoise',
  'ZeroPadding2D',
  'Cropping2D',
  'Concatenate',
  'Masking',
]);

/**
 * Free layers whose output holds exactly the elements of their inputs, recomputed from them at no
 * cost (a concatenation, a view, an identity at inference). (ZeroPadding2D, Cropping2D and
 * RepeatVector change the element count.)
 */
const ALIAS_LAYERS = new Set(['Concatenate', 'Flatten', 'Reshape', 'Permute', 'Dropout', 'SpatialDropout1D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'Masking']);

/** Element-wise activation layers: one op per element. */
const ACTIVATION_LAYERS = new Set(['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax']);

/** Merge layers of k inputs: k - 1 ops per output element (Average: k). */
const MERGE_LAYERS = new Set(['Add', 'Subtract', 'Multiply', 'Maximum', 'Minimum', 'Average']);

const COUNTED_LAYERS = [
  'Conv1D',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'BatchNormalization',
  'Activation',
  ...ACTIVATION_LAYERS,
  ...MERGE_LAYERS,
];

/** A concrete per-example shape: the batch axis dropped, every other dimension known. */
function concreteShape(tensor: SymbolicTensor, where: string): number[] {
  const dims = tensor.shape.slice(1);
  if (dims.some((d) => d === null || d < 1)) {
    throw new Error(`${where}: shape [${tensor.shape.join(', ')}] has unknown dimensions beyond the batch axis; profiles need fixed shapes`);
  }
  return dims as number[];
}

function numberList(config: Config, key: string, where: string): number[] {
  const value = config[key];
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'number')) {
    throw new Error(`${where}: config.${key} should be a number or a list of numbers, got ${JSON.stringify(value)}`);
  }
  return list as number[];
}

function product(values: readonly number[]): number {
  return values.reduce((p, v) => p * v, 1);
}

function activationOps(config: Config, elements: number): number {
  const activation = config['activation'];
  return activation === undefined || activation === null || activation === 'linear' ? 0 : elements;
}

/**
 * A SeparableConv2D's depth multiplier. tfjs 4.22's getConfig() omits it, so it is read from the
 * layer object. (DepthwiseConv2D needs none: its multiplier is in its output channels.)
 */
function depthMultiplierOf(layer: Layer, config: Config, where: string): number {
  const value = config['depthMultiplier'] ?? (layer as unknown as { depthMultiplier?: unknown }).depthMultiplier;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: depthMultiplier should be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** MACs and other ops of one layer application, from its config and shapes. */
function layerCost(layer: Layer, inputs: readonly number[][], output: readonly number[], where: string): { macs: number; otherOps: number } {
  const className = layer.getClassName();
  const config = layer.getConfig() as Config;
  const outputs = elementCount(output);
  const input = inputs[0] ?? [];
  const inputElements = elementCount(input);
  const channelsLast = config['dataFormat'] !== 'channelsFirst';
  const channelsOf = (shape: readonly number[]) => (channelsLast ? shape[shape.length - 1] : shape[0]) as number;
  const bias = config['useBias'] === true ? outputs : 0;

  if (FREE_LAYERS.has(className)) return { macs: 0, otherOps: 0 };
  if (ACTIVATION_LAYERS.has(className)) return { macs: 0, otherOps: outputs };
  if (MERGE_LAYERS.has(className)) return { macs: 0, otherOps: outputs * (className === 'Average' ? inputs.length : inputs.length - 1) };
  switch (className) {
    case 'Conv1D':
    case 'Conv2D': {
      // tfjs 4.x gives a causal Conv1D a wrong output shape (and cannot run it): its counts would be wrong too
      if (config['padding'] === 'causal') throw new Error(`${where}: padding 'causal' is not supported (TensorFlow.js computes a wrong output shape for it)`);
      const window = product(numberList(config, 'kernelSize', where));
      return { macs: outputs * window * channelsOf(input), otherOps: bias + activationOps(config, outputs) };
    }
    case 'DepthwiseConv2D': {
      // tfjs 4.x ignores a DepthwiseConv2D's dilation (it computes with 1): the counts would not be the declared layer's
      if (numberList(config, 'dilationRate', where).some((d) => d !== 1)) throw new Error(`${where}: a dilationRate other than 1 is not supported (TensorFlow.js ignores it for DepthwiseConv2D)`);
      const window = product(numberList(config, 'kernelSize', where));
      return { macs: outputs * window, otherOps: bias + activationOps(config, outputs) };
    }
    case 'SeparableConv2D': {
      const window = product(numberList(config, 'kernelSize', where));
      const depthwiseChannels = channelsOf(input) * depthMultiplierOf(layer, config, where);
      const positions = outputs / channelsOf(output);
      return { macs: positions * depthwiseChannels * (window + channelsOf(output)), otherOps: bias + activationOps(config, outputs) };
    }
    case 'Dense':
      return { macs: inputElements * (output[output.length - 1] as number), otherOps: bias + activationOps(config, outputs) };
    case 'MaxPooling1D':
    case 'MaxPooling2D':
      return { macs: 0, otherOps: outputs * (product(numberList(config, 'poolSize', where)) - 1) };
    case 'AveragePooling1D':
    case 'AveragePooling2D':
      return { macs: 0, otherOps: outputs * product(numberList(config, 'poolSize', where)) };
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
      return { macs: 0, otherOps: inputElements };
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
      return { macs: 0, otherOps: inputElements - outputs };
    case 'BatchNormalization':
      return { macs: 0, otherOps: 2 * outputs };
    case 'Activation':
      return { macs: 0, otherOps: activationOps(config, outputs) };
    default:
      throw new Error(
        `${where}: layer class ${className} is not supported; supported: ${[...COUNTED_LAYERS, ...FREE_LAYERS].join(', ')}`,
      );
  }
}

/**
 * The profile of a built tfjs LayersModel. Each layer of `model.layers` (input layers excluded)
 * is one unit unless `options.units` groups them. For a functional model with skip connections
 * a cut can cross several tensors: a unit's output is every tensor produced at or before it and
 * still needed after it (or a model output), so `outputBits` is what must be sent; a free view
 * (a concatenation, say) made of tensors that cross anyway counts as those, once each.
 */
export function profileFromLayersModel(model: LayersModel, options: LayersModelProfileOptions = {}): DnnProfile {
  const bitsPerElement = options.bitsPerElement ?? 32;
  if (!(bitsPerElement > 0 && Number.isFinite(bitsPerElement))) {
    throw new Error(`profileFromLayersModel: bitsPerElement must be a finite number > 0, got ${bitsPerElement}`);
  }
  const convention = flopsConventionOf(options, 'profileFromLayersModel');
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (layers.length === 0) throw new Error('profileFromLayersModel: the model has no layers besides its inputs: nothing to profile (a profile has at least one unit)');
  const groups = options.units ?? layers.map((layer) => ({ name: layer.name, layers: 1 }));
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`profileFromLayersModel: options.units must be a non-empty array of {name, layers}, got ${formatValue(groups)}`);
  groups.forEach((group: unknown, u) => {
    const { name, layers: count } = (typeof group === 'object' && group !== null ? group : {}) as { name?: unknown; layers?: unknown };
    if (typeof name !== 'string' || name === '') throw new Error(`profileFromLayersModel: options.units[${u}].name must be a non-empty string, got ${formatValue(name)}`);
    if (!(typeof count === 'number' && Number.isInteger(count) && count >= 1)) throw new Error(`profileFromLayersModel: options.units[${u}].layers must be a positive integer, got ${formatValue(count)}`);
  });
  const groupedLayers = groups.reduce((sum, g) => sum + g.layers, 0);
  // unit names identify cut points, so they are unique, as in the spec path (analyzeSpec)
  const firstUse = new Map<string, number>();
  groups.forEach((group, u) => {
    const earlier = firstUse.get(group.name);
    if (earlier !== undefined) {
      throw new Error(`profileFromLayersModel: options.units[${u}].name: unit name already used by units[${earlier}] (got ${JSON.stringify(group.name)})`);
    }
    firstUse.set(group.name, u);
  });
  if (groupedLayers !== layers.length) {
    throw new Error(`profileFromLayersModel: options.units cover ${groupedLayers} layers but the model has ${layers.length} (input layers excluded)`);
  }
  const position = new Map<string, number>(layers.map((layer, i) => [layer.name, i]));

  // Per layer: its cost, its output shape, and the last position (in `layers`) that reads it.
  const costs: Array<{ macs: number; otherOps: number }> = [];
  const outputShapes: number[][] = [];
  const lastReader = new Array<number>(layers.length).fill(-1);
  const inputLastReader = new Map<string, number>();
  /** Per layer, what it reads: positions in `layers`, or model input names. */
  const sources: Array<Array<number | string>> = [];
  layers.forEach((layer, i) => {
    const where = `model.layers '${layer.name}' (${layer.getClassName()})`;
    // a model used as a layer (its construction adds an inbound node, so it would read as shared)
    if (Array.isArray((layer as { layers?: unknown }).layers)) throw new Error(`${where}: is a model used as a layer; nested models are not supported (build one model of their layers)`);
    if (layer.inboundNodes.length !== 1) {
      throw new Error(`${where}: is applied ${layer.inboundNodes.length} times; shared layers are not supported`);
    }
    const node = layer.inboundNodes[0] as Layer['inboundNodes'][number];
    if (node.outputTensors.length !== 1) throw new Error(`${where}: has ${node.outputTensors.length} outputs; only single-output layers are supported`);
    sources.push(node.inboundLayers.map((source) => position.get(source.name) ?? source.name));
    for (const source of node.inboundLayers) {
      const from = position.get(source.name);
      if (from === undefined) inputLastReader.set(source.name, i);
      else if (from >= i) throw new Error(`${where}: reads '${source.name}', which comes later in model.layers`);
      else lastReader[from] = i;
    }
    const inputs = node.inputTensors.map((t) => concreteShape(t, where));
    const output = concreteShape(node.outputTensors[0] as SymbolicTensor, where);
    costs.push(layerCost(layer, inputs, output, where));
    outputShapes.push(output);
  });

  const modelOutputs = new Set(model.outputs.map((t) => t.sourceLayer.name));
  const inputShapes = model.inputs.map((t) => concreteShape(t, `model input '${t.name}'`));
  const inputNames = model.inputs.map((t) => t.sourceLayer.name);

  const isAlias = (tensor: number | string): tensor is number => typeof tensor === 'number' && ALIAS_LAYERS.has((layers[tensor] as Layer).getClassName());
  /** The tensors, none an alias, that `tensor` is made of: itself unless it is an alias. */
  const baseOf = (tensor: number | string): Array<number | string> => (isAlias(tensor) ? (sources[tensor] as Array<number | string>).flatMap(baseOf) : [tensor]);

  let start = 0;
  const units = groups.map((group) => {
    const end = start + group.layers; // the unit is layers [start, end)
    let macs = 0;
    let otherOps = 0;
    for (let i = start; i < end; i += 1) {
      macs += (costs[i] as { macs: number }).macs;
      otherOps += (costs[i] as { otherOps: number }).otherOps;
    }
    // Tensors crossing the cut after this unit: those read later, and model outputs
    const needed = new Set<number | string>();
    for (const name of inputNames) if ((inputLastReader.get(name) ?? -1) >= end || modelOutputs.has(name)) needed.add(name);
    for (let i = 0; i < end; i += 1) {
      if ((lastReader[i] as number) >= end || modelOutputs.has((layers[i] as Layer).name)) needed.add(i);
    }
    // an alias made of tensors that cross anyway (a concatenation of a skip and a new tensor) is
    // sent as the tensors it is made of, once each
    for (const tensor of [...needed]) {
      if (!isAlias(tensor)) continue;
      const madeOf = baseOf(tensor);
      const others = new Set([...needed].filter((t) => t !== tensor).flatMap(baseOf));
      if (!madeOf.some((t) => others.has(t))) continue;
      needed.delete(tensor);
      for (const t of madeOf) needed.add(t);
    }
    const crossing = [...needed].sort(inputsFirst).map((source) => (typeof source === 'number' ? (outputShapes[source] as number[]) : (inputShapes[inputNames.indexOf(source)] as number[])));
    start = end;
    return { name: group.name, macs, otherOps, outputShapes: crossing };
  });
  return buildProfile(options.name ?? model.name, inputShapes, bitsPerElement, units, convention);
}

/** Model inputs (by name, in model order as found) before layers (by position). */
function inputsFirst(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return typeof a === 'number' ? 1 : typeof b === 'number' ? -1 : 0;
}
