/**
 * Composite residual blocks expanded into primitive layers, exactly as torchvision builds them,
 * so their MACs match torchvision's published totals.
 */
import type { LayerSpec, PrimitiveLayerSpec } from './spec.ts';

type Conv2d = Extract<PrimitiveLayerSpec, { kind: 'conv2d' }>;
type BasicBlock = Extract<LayerSpec, { kind: 'basicBlock' }>;
type InvertedResidual = Extract<LayerSpec, { kind: 'invertedResidual' }>;

/** A bias-free square conv with symmetric explicit padding (torchvision's conv3x3 / conv1x1). */
function conv(filters: number, kernel: number, stride: number, padding: number, groups = 1): Conv2d {
  return { kind: 'conv2d', filters, kernel, stride, padding, dilation: 1, groups, bias: false };
}

const batchNorm: PrimitiveLayerSpec = { kind: 'batchNorm' };
const relu: PrimitiveLayerSpec = { kind: 'relu' };
const relu6: PrimitiveLayerSpec = { kind: 'activation', fn: 'relu6' };

/**
 * torchvision `BasicBlock` (ResNet18/34): conv3x3(stride)-BN-ReLU-conv3x3-BN, plus a
 * conv1x1(stride)-BN projection shortcut when the stride or the channel count changes; the sum
 * then goes through a ReLU.
 */
export function expandBasicBlock(block: BasicBlock, inputChannels: number): LayerSpec[] {
  const { filters, stride } = block;
  const project = stride !== 1 || inputChannels !== filters;
  return [
    {
      kind: 'residual',
      body: [conv(filters, 3, stride, 1), batchNorm, relu, conv(filters, 3, 1, 1), batchNorm],
      shortcut: project ? [conv(filters, 1, stride, 0), batchNorm] : [],
    },
    relu,
  ];
}

/**
 * Hidden channels of an inverted residual: torchvision's `int(round(inp * expand_ratio))`, and
 * Python rounds halves to even (5 x 0.5 = 2.5 gives 2, where Math.round gives 3).
 */
export function invertedResidualHidden(inputChannels: number, expandRatio: number): number {
  const product = inputChannels * expandRatio;
  const floor = Math.floor(product);
  const fraction = product - floor; // exact for doubles
  if (fraction !== 0.5) return Math.round(product);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * torchvision `InvertedResidual` (MobileNetV2): [conv1x1 expand-BN-ReLU6 when expandRatio != 1],
 * depthwise conv3x3(stride)-BN-ReLU6, linear conv1x1 projection-BN; the identity shortcut is
 * added only when stride = 1 and the channel count is unchanged.
 */
export function expandInvertedResidual(block: InvertedResidual, inputChannels: number): LayerSpec[] {
  const { filters, expandRatio, stride } = block;
  const hidden = invertedResidualHidden(inputChannels, expandRatio);
  const body: PrimitiveLayerSpec[] = [];
  if (expandRatio !== 1) body.push(conv(hidden, 1, 1, 0), batchNorm, relu6);
  body.push(conv(hidden, 3, stride, 1, hidden), batchNorm, relu6, conv(filters, 1, 1, 0), batchNorm);
  const useShortcut = stride === 1 && inputChannels === filters;
  return useShortcut ? [{ kind: 'residual', body, shortcut: [] }] : body;
}
