/**
 * The layer-spec language of DNN profiles: a DNN is an input shape and a list of partition
 * units, each a run of consecutive layers. Shapes are channels-last without the batch axis:
 * `[H, W, C]` for images, `[T, C]` for 1-D signals, `[F]` for feature vectors.
 *
 * The schema validates both the fields (zod) and the shape arithmetic (a refinement that walks
 * the network), so a kernel larger than its input is reported at its path like any field error.
 */
import * as z from 'zod';
import { checkSpecShapes } from './analyze.ts';
import { LIMIT } from '../scenario/limits.ts';

const positiveInt = (description: string) => z.number().int().positive().describe(description);

/** A layer's `kind` discriminator, described as every schema field is. */
const layerKind = <K extends string>(kind: K, what: string) => z.literal(kind).describe(`Layer kind: ${what}`);

/** An integer or an `[height, width]` pair. */
const intPair = (description: string) =>
  z.union([z.number().int().positive(), z.tuple([z.number().int().positive(), z.number().int().positive()])]).describe(description);

const padding2d = z
  .union([
    z.enum(['same', 'valid']),
    z.number().int().nonnegative(),
    z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  ])
  .describe(
    "Padding: 'valid' (none), 'same' (TensorFlow: output = ceil(input / stride)), an integer p added on each side of both spatial axes (PyTorch), or [pH, pW] per axis (elements)",
  );

const padding1d = z
  .union([z.enum(['same', 'valid']), z.number().int().nonnegative()])
  .describe("Padding: 'valid' (none), 'same' (output = ceil(input / stride)) or an integer p added on each side (timesteps)");

const layerName = z.string().min(1).optional().describe('Optional label of the layer, for error messages and docs');
const bias = z.boolean().default(true).describe('Whether the layer adds a bias (one add per output element, counted in otherOps)');

const conv2dLayer = z.strictObject({
  kind: layerKind('conv2d', '2-D convolution over [H, W, C]'),
  name: layerName,
  filters: positiveInt('Output channels (count)'),
  kernel: intPair('Kernel size [kH, kW] or k for k x k (elements)'),
  stride: intPair('Stride [sH, sW] or s (elements)').default(1),
  padding: padding2d.default('valid'),
  dilation: intPair('Dilation [dH, dW] or d (elements)').default(1),
  groups: positiveInt('Channel groups; input and output channels must both divide by it (count)').default(1),
  bias,
});

const depthwiseConv2dLayer = z.strictObject({
  kind: layerKind('depthwiseConv2d', 'depthwise 2-D convolution (one filter per input channel, times depthMultiplier)'),
  name: layerName,
  kernel: intPair('Kernel size [kH, kW] or k for k x k (elements)'),
  stride: intPair('Stride [sH, sW] or s (elements)').default(1),
  padding: padding2d.default('valid'),
  dilation: intPair('Dilation [dH, dW] or d (elements)').default(1),
  depthMultiplier: positiveInt('Output channels per input channel (count)').default(1),
  bias,
});

const conv1dLayer = z.strictObject({
  kind: layerKind('conv1d', '1-D convolution over [T, C]'),
  name: layerName,
  filters: positiveInt('Output channels (count)'),
  kernel: positiveInt('Kernel length (timesteps)'),
  stride: positiveInt('Stride (timesteps)').default(1),
  padding: padding1d.default('valid'),
  dilation: positiveInt('Dilation (timesteps)').default(1),
  groups: positiveInt('Channel groups; input and output channels must both divide by it (count)').default(1),
  bias,
});

const pool2dFields = {
  name: layerName,
  pool: intPair('Window [pH, pW] or p for p x p (elements)'),
  stride: intPair('Stride [sH, sW] or s (elements); defaults to the window').optional(),
  padding: padding2d.default('valid'),
};
const maxPool2dLayer = z.strictObject({ kind: layerKind('maxPool2d', '2-D max pooling'), ...pool2dFields });
const avgPool2dLayer = z.strictObject({ kind: layerKind('avgPool2d', '2-D average pooling'), ...pool2dFields });

const pool1dFields = {
  name: layerName,
  pool: positiveInt('Window length (timesteps)'),
  stride: positiveInt('Stride (timesteps); defaults to the window').optional(),
  padding: padding1d.default('valid'),
};
const maxPool1dLayer = z.strictObject({ kind: layerKind('maxPool1d', '1-D max pooling'), ...pool1dFields });
const avgPool1dLayer = z.strictObject({ kind: layerKind('avgPool1d', '1-D average pooling'), ...pool1dFields });

const globalAvgPoolLayer = z.strictObject({ kind: layerKind('globalAvgPool', 'average over every spatial (or time) position, one value per channel'), name: layerName });
const globalMaxPoolLayer = z.strictObject({ kind: layerKind('globalMaxPool', 'maximum over every spatial (or time) position, one value per channel'), name: layerName });

const denseLayer = z.strictObject({
  kind: layerKind('dense', 'fully connected layer on the last axis'),
  name: layerName,
  units: positiveInt('Output features (count); applied to the last axis, as in tfjs Dense and torch Linear'),
  bias,
});

const flattenLayer = z.strictObject({ kind: layerKind('flatten', 'reshape to a feature vector (free)'), name: layerName });
const batchNormLayer = z.strictObject({ kind: layerKind('batchNorm', 'batch normalisation (inference: one scale and shift per element)'), name: layerName });
const reluLayer = z.strictObject({ kind: layerKind('relu', 'ReLU (one op per element)'), name: layerName });

/** Activation functions; every one but `linear` costs one op per element (see docs/DNN-PROFILES.md). */
export const activationFunctions = ['relu', 'relu6', 'leakyRelu', 'elu', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'swish', 'linear'] as const;
/** Name of an activation function. */
export type ActivationFunction = (typeof activationFunctions)[number];

const activationLayer = z.strictObject({
  kind: layerKind('activation', 'an element-wise activation function `fn`'),
  name: layerName,
  fn: z.enum(activationFunctions).describe('Element-wise function (one op per element; linear is free)'),
});

const primitiveLayers = [
  conv2dLayer,
  depthwiseConv2dLayer,
  conv1dLayer,
  maxPool2dLayer,
  avgPool2dLayer,
  maxPool1dLayer,
  avgPool1dLayer,
  globalAvgPoolLayer,
  globalMaxPoolLayer,
  denseLayer,
  flattenLayer,
  batchNormLayer,
  reluLayer,
  activationLayer,
] as const;

const unknownKind = (kinds: readonly string[]) => (issue: { code?: string | undefined }) =>
  issue.code === 'invalid_union' ? `unknown layer kind; expected one of ${kinds.join(', ')}` : undefined;

const primitiveKinds = primitiveLayers.map((layer) => layer.shape.kind.value);

/** One layer that is not a composite block (allowed inside `residual` branches). */
export const primitiveLayerSchema = z
  .discriminatedUnion('kind', [...primitiveLayers], { error: unknownKind(primitiveKinds) })
  .describe('A primitive layer, discriminated by `kind`');

const residualLayer = z.strictObject({
  kind: layerKind('residual', 'a residual block: body and shortcut branches added element-wise'),
  name: layerName,
  body: z.array(primitiveLayerSchema).min(1).describe('Main branch, applied to the block input'),
  shortcut: z
    .array(primitiveLayerSchema)
    .default([])
    .describe('Shortcut branch applied to the block input (empty = identity); its output shape must equal the body output shape'),
});

const basicBlockLayer = z.strictObject({
  kind: layerKind('basicBlock', "ResNet's basic block (two 3x3 convs with batch norm, identity or 1x1 projection shortcut)"),
  name: layerName,
  filters: positiveInt('Output channels (count)'),
  stride: positiveInt('Stride of the first 3x3 conv and of the 1x1 projection shortcut (elements)').default(1),
});

const invertedResidualLayer = z.strictObject({
  kind: layerKind('invertedResidual', "MobileNetV2's inverted residual (1x1 expansion, 3x3 depthwise, 1x1 projection)"),
  name: layerName,
  filters: positiveInt('Output channels (count)'),
  expandRatio: z.number().positive().describe('Hidden channels = round(input channels x expandRatio), halves to even as in torchvision (ratio)'),
  stride: positiveInt('Stride of the 3x3 depthwise conv (elements)').default(1),
});

const compositeLayers = [residualLayer, basicBlockLayer, invertedResidualLayer] as const;
const allKinds = [...primitiveKinds, ...compositeLayers.map((layer) => layer.shape.kind.value)];

/** Any layer: a primitive one or a composite residual block. */
export const layerSchema = z
  .discriminatedUnion('kind', [...primitiveLayers, ...compositeLayers], { error: unknownKind(allKinds) })
  .describe(
    'A layer, discriminated by `kind`. Composites: residual (body + shortcut, summed), basicBlock (ResNet18/34 BasicBlock as in torchvision), invertedResidual (MobileNetV2 block as in torchvision)',
  );

/** A partition unit: the smallest piece of the DNN placed on the gateway or the AP. */
export const unitSchema = z.strictObject({
  name: z.string().min(1).describe('Unit name, unique within the DNN'),
  layers: z.array(layerSchema).min(1).describe('Consecutive layers of the unit, in order'),
});

const dnnSpecFields = z.strictObject({
  name: z.string().min(1).describe('DNN name'),
  description: z.string().optional().describe('Free text: origin of the architecture, intended task'),
  inputShape: z
    .array(z.number().int().positive())
    .min(1)
    .max(3)
    .describe('Input shape of one data point without the batch axis: [H, W, C] (image), [T, C] (1-D signal) or [F] (features), elements'),
  bitsPerElement: z.number().positive().default(32).describe(`Bits per tensor element of the input and every unit output (bits; 32 = float32); in a scenario, the input and each unit output at most ${LIMIT.bits} bits per data point`),
  units: z.array(unitSchema).min(1).describe('Partition units, in execution order'),
});

/** A validated DNN spec with defaults filled in. */
export type DnnSpec = z.output<typeof dnnSpecFields>;
/** A DNN spec as written (defaults optional). */
export type DnnSpecInput = z.input<typeof dnnSpecFields>;
/** A validated layer. */
export type LayerSpec = z.output<typeof layerSchema>;
/** A validated primitive (non-composite) layer. */
export type PrimitiveLayerSpec = z.output<typeof primitiveLayerSchema>;
/** A layer as written (defaults optional). */
export type LayerSpecInput = z.input<typeof layerSchema>;

/**
 * A DNN as a layer spec. Embed this in other schemas (e.g. a scenario's inline DNN); it checks
 * field ranges and the shape arithmetic, with issues at the offending path.
 */
export const dnnSpecSchema = dnnSpecFields
  .superRefine(checkSpecShapes)
  .describe('A DNN as partition units of layers; profiled by shape arithmetic');

/** A scenario's inline layer spec: as {@link dnnSpecSchema}, its `name` optional (the key in `dnns` names the DNN). */
export const scenarioDnnSpecSchema = dnnSpecFields
  .extend({ name: z.string().min(1).optional().describe('DNN name; optional in a scenario, whose dnns key names the DNN (a differing name is ignored, with a warning)') })
  .superRefine((spec, ctx) => checkSpecShapes({ ...spec, name: spec.name ?? '' }, ctx))
  .describe('A DNN as partition units of layers; profiled by shape arithmetic');

/** A scenario's inline layer spec as written. */
export type ScenarioDnnSpecInput = z.input<typeof scenarioDnnSpecSchema>;
