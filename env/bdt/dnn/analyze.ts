/**
 * Shape arithmetic of a DNN spec: walks the units layer by layer, tracking the tensor shape
 * (channels-last, no batch axis) and counting per data point
 * - `macs`: multiply-accumulates of conv, depthwise conv and dense layers (the torchvision count);
 * - `otherOps`: everything else that computes: bias adds (1 per output element), batch norm
 *   (2 per element, folded scale and shift), activations (1 per element, `linear` free),
 *   max pooling (window - 1 compares per output), average pooling (window ops per output),
 *   global pooling (one op per input element, minus one per channel for max), residual adds
 *   (1 per element). Flatten is free.
 * The rules are shared with the LayersModel path (layers-model.ts) so both agree.
 */
import { assertNever } from '../../core/errors.ts';
import { expandBasicBlock, expandInvertedResidual, invertedResidualHidden } from './blocks.ts';
import { DnnShapeError, type SpecPath } from './errors.ts';
import type { DnnSpec, LayerSpec } from './spec.ts';

/** Shape and counts after one layer or unit. */
export interface LayerCost {
  readonly shape: readonly number[];
  readonly macs: number;
  readonly otherOps: number;
}

/** Counts of one partition unit. */
export interface UnitCost extends LayerCost {
  readonly name: string;
}

/** Product of a shape's dimensions (number of elements). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const d of shape) count *= d;
  return count;
}

/** `k` or `[kH, kW]` as a pair. */
function asPair(value: number | readonly [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * Padding of a convolution or pooling layer along one axis, as Keras's: `'same'`, `'valid'`, or a
 * number of cells.
 */
export type Padding = 'same' | 'valid' | number;

function paddingPair(padding: 'same' | 'valid' | number | readonly [number, number]): [Padding, Padding] {
  if (typeof padding === 'string' || typeof padding === 'number') return [padding, padding];
  return [padding[0], padding[1]];
}

/**
 * Output length of a conv or pool along one axis. 'same' follows TensorFlow (ceil(n / s));
 * 'valid' and explicit padding p follow PyTorch (floor((n + 2p - dilation (k - 1) - 1) / s) + 1).
 */
export function convOutputLength(input: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(input / stride);
  const span = dilation * (kernel - 1) + 1;
  const padded = input + 2 * (padding === 'valid' ? 0 : padding);
  if (padded < span) return 0;
  return Math.floor((padded - span) / stride) + 1;
}

function outputLength(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: Padding,
  axis: string,
  path: SpecPath,
  value: unknown,
): number {
  const length = convOutputLength(input, kernel, stride, dilation, padding);
  if (length < 1) {
    const span = dilation * (kernel - 1) + 1;
    const how = padding === 'valid' ? 'valid padding' : `padding ${String(padding)}`;
    throw new DnnShapeError(path, `window of ${span} exceeds the ${axis} input of ${input} with ${how}`, value);
  }
  return length;
}

/** PyTorch pools refuse explicit padding above half the window ("pad should be at most half of effective kernel size"). */
function requirePoolPadding(padding: Padding, pool: number, axis: string, path: SpecPath, value: unknown): void {
  if (typeof padding === 'number' && padding > Math.floor(pool / 2)) {
    throw new DnnShapeError([...path, 'padding'], `${axis} padding ${padding} exceeds half the pool window of ${pool} (at most ${Math.floor(pool / 2)})`, value);
  }
}

function requireRank(shape: readonly number[], rank: number, what: string, path: SpecPath): void {
  if (shape.length !== rank) {
    throw new DnnShapeError([...path, 'kind'], `${what} needs an input shape of rank ${rank}`, shape);
  }
}

function requireDivisible(channels: number, groups: number, what: string, path: SpecPath): void {
  if (channels % groups !== 0) {
    throw new DnnShapeError([...path, 'groups'], `${what} (${channels}) must be divisible by groups`, groups);
  }
}

/** Applies one layer to `input`; throws DnnShapeError at `path` when the shapes do not fit. */
export function applyLayer(layer: LayerSpec, input: readonly number[], path: SpecPath): LayerCost {
  const inputElements = elementCount(input);
  switch (layer.kind) {
    case 'conv2d': {
      requireRank(input, 3, 'conv2d', path);
      const [h, w, c] = input as [number, number, number];
      const [kh, kw] = asPair(layer.kernel);
      const [sh, sw] = asPair(layer.stride);
      const [dh, dw] = asPair(layer.dilation);
      const [ph, pw] = paddingPair(layer.padding);
      requireDivisible(c, layer.groups, 'input channels', path);
      requireDivisible(layer.filters, layer.groups, 'filters', path);
      const kernelPath = [...path, 'kernel'];
      const ho = outputLength(h, kh, sh, dh, ph, 'height', kernelPath, layer.kernel);
      const wo = outputLength(w, kw, sw, dw, pw, 'width', kernelPath, layer.kernel);
      const outputs = ho * wo * layer.filters;
      return { shape: [ho, wo, layer.filters], macs: outputs * kh * kw * (c / layer.groups), otherOps: layer.bias ? outputs : 0 };
    }
    case 'depthwiseConv2d': {
      requireRank(input, 3, 'depthwiseConv2d', path);
      const [h, w, c] = input as [number, number, number];
      const [kh, kw] = asPair(layer.kernel);
      const [sh, sw] = asPair(layer.stride);
      const [dh, dw] = asPair(layer.dilation);
      const [ph, pw] = paddingPair(layer.padding);
      const kernelPath = [...path, 'kernel'];
      const ho = outputLength(h, kh, sh, dh, ph, 'height', kernelPath, layer.kernel);
      const wo = outputLength(w, kw, sw, dw, pw, 'width', kernelPath, layer.kernel);
      const channels = c * layer.depthMultiplier;
      const outputs = ho * wo * channels;
      return { shape: [ho, wo, channels], macs: outputs * kh * kw, otherOps: layer.bias ? outputs : 0 };
    }
    case 'conv1d': {
      requireRank(input, 2, 'conv1d', path);
      const [t, c] = input as [number, number];
      requireDivisible(c, layer.groups, 'input channels', path);
      requireDivisible(layer.filters, layer.groups, 'filters', path);
      const to = outputLength(t, layer.kernel, layer.stride, layer.dilation, layer.padding, 'time', [...path, 'kernel'], layer.kernel);
      const outputs = to * layer.filters;
      return { shape: [to, layer.filters], macs: outputs * layer.kernel * (c / layer.groups), otherOps: layer.bias ? outputs : 0 };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      requireRank(input, 3, layer.kind, path);
      const [h, w, c] = input as [number, number, number];
      const [kh, kw] = asPair(layer.pool);
      const [sh, sw] = asPair(layer.stride ?? layer.pool);
      const [ph, pw] = paddingPair(layer.padding);
      requirePoolPadding(ph, kh, 'height', path, layer.padding);
      requirePoolPadding(pw, kw, 'width', path, layer.padding);
      const poolPath = [...path, 'pool'];
      const ho = outputLength(h, kh, sh, 1, ph, 'height', poolPath, layer.pool);
      const wo = outputLength(w, kw, sw, 1, pw, 'width', poolPath, layer.pool);
      const outputs = ho * wo * c;
      const window = kh * kw;
      return { shape: [ho, wo, c], macs: 0, otherOps: outputs * (layer.kind === 'maxPool2d' ? window - 1 : window) };
    }
    case 'maxPool1d':
    case 'avgPool1d': {
      requireRank(input, 2, layer.kind, path);
      const [t, c] = input as [number, number];
      requirePoolPadding(layer.padding, layer.pool, 'time', path, layer.padding);
      const to = outputLength(t, layer.pool, layer.stride ?? layer.pool, 1, layer.padding, 'time', [...path, 'pool'], layer.pool);
      const outputs = to * c;
      return { shape: [to, c], macs: 0, otherOps: outputs * (layer.kind === 'maxPool1d' ? layer.pool - 1 : layer.pool) };
    }
    case 'globalAvgPool':
    case 'globalMaxPool': {
      if (input.length < 2) {
        throw new DnnShapeError([...path, 'kind'], `${layer.kind} needs an input shape of rank 2 or 3`, input);
      }
      const channels = input[input.length - 1] as number;
      return { shape: [channels], macs: 0, otherOps: layer.kind === 'globalAvgPool' ? inputElements : inputElements - channels };
    }
    case 'dense': {
      const shape = [...input.slice(0, -1), layer.units];
      const outputs = elementCount(shape);
      return { shape, macs: inputElements * layer.units, otherOps: layer.bias ? outputs : 0 };
    }
    case 'flatten':
      return { shape: [inputElements], macs: 0, otherOps: 0 };
    case 'batchNorm':
      return { shape: input, macs: 0, otherOps: 2 * inputElements };
    case 'relu':
      return { shape: input, macs: 0, otherOps: inputElements };
    case 'activation':
      return { shape: input, macs: 0, otherOps: layer.fn === 'linear' ? 0 : inputElements };
    case 'residual': {
      const body = applyLayers(layer.body, input, (i) => [...path, 'body', i]);
      const shortcut = applyLayers(layer.shortcut, input, (i) => [...path, 'shortcut', i]);
      if (!sameShape(body.shape, shortcut.shape)) {
        throw new DnnShapeError(
          [...path, 'shortcut'],
          `shortcut output [${shortcut.shape.join(', ')}] differs from body output [${body.shape.join(', ')}]; the residual add needs equal shapes`,
          shortcut.shape,
        );
      }
      const add = elementCount(body.shape);
      return { shape: body.shape, macs: body.macs + shortcut.macs, otherOps: body.otherOps + shortcut.otherOps + add };
    }
    case 'basicBlock':
      requireRank(input, 3, 'basicBlock', path);
      return applyLayers(expandBasicBlock(layer, input[2] as number), input, () => path);
    case 'invertedResidual': {
      requireRank(input, 3, 'invertedResidual', path);
      const channels = input[2] as number;
      if (invertedResidualHidden(channels, layer.expandRatio) < 1) {
        throw new DnnShapeError([...path, 'expandRatio'], `round(${channels} input channels x expandRatio), halves to even, leaves no hidden channel`, layer.expandRatio);
      }
      return applyLayers(expandInvertedResidual(layer, channels), input, () => path);
    }
    default:
      return assertNever(layer, 'applyLayer: layer kind');
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Applies `layers` in order; `pathOf(i)` locates layer i for error messages. */
function applyLayers(layers: readonly LayerSpec[], input: readonly number[], pathOf: (index: number) => SpecPath): LayerCost {
  let shape = input;
  let macs = 0;
  let otherOps = 0;
  layers.forEach((layer, i) => {
    const cost = applyLayer(layer, shape, pathOf(i));
    shape = cost.shape;
    macs += cost.macs;
    otherOps += cost.otherOps;
  });
  return { shape, macs, otherOps };
}

/** Per-unit counts of a validated spec; throws DnnShapeError at the first rule broken. */
export function analyzeSpec(spec: DnnSpec): UnitCost[] {
  const seen = new Map<string, number>();
  let shape: readonly number[] = spec.inputShape;
  return spec.units.map((unit, u) => {
    const earlier = seen.get(unit.name);
    if (earlier !== undefined) throw new DnnShapeError(['units', u, 'name'], `unit name already used by units[${earlier}]`, unit.name);
    seen.set(unit.name, u);
    const cost = applyLayers(unit.layers, shape, (i) => ['units', u, 'layers', i]);
    shape = cost.shape;
    return { name: unit.name, ...cost };
  });
}

/** A zod custom issue carrying the offending value. */
type ShapeIssue = {
  code: 'custom';
  message: string;
  path: PropertyKey[];
  /** Shown by scenario messages (parsed with `reportInput`); zod drops it otherwise. */
  input: unknown;
  /** Always kept: DnnSpecError shows it (the value can be computed, e.g. a branch's output shape). */
  params: { value: unknown };
};

/** zod refinement of `dnnSpecSchema`: the shape arithmetic, reported at the offending path with the error's value. */
export function checkSpecShapes(spec: DnnSpec, ctx: { addIssue(issue: ShapeIssue): void }): void {
  try {
    analyzeSpec(spec);
  } catch (error) {
    if (!(error instanceof DnnShapeError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.rule, path: [...error.path], input: error.value, params: { value: error.value } });
  }
}
