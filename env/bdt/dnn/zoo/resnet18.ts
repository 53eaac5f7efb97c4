/**
 * ResNet18 as in torchvision (`torchvision.models.resnet18`, He et al. 2016): a 7x7/2 conv stem
 * with batch norm, ReLU and a 3x3/2 max pool, four stages of two BasicBlocks (64-128-256-512
 * filters; the first block of stages 2-4 has stride 2 and a 1x1 projection shortcut), global
 * average pool and a dense classifier. Convs have no bias (batch norm follows).
 * Units: the stem, each of the 8 blocks (a residual block is never cut inside: the cut would
 * have to send both branches), and pool+fc: 10 units. Total 1.814 G MACs (torchvision: 1.81).
 */
import type { DnnSpecInput } from '../spec.ts';

const STAGE_FILTERS = [64, 128, 256, 512];

/** torchvision ResNet18 at 224x224x3, 10 units. */
export const resnet18: DnnSpecInput = {
  name: 'resnet18',
  description: 'ResNet18 (torchvision), 224x224x3 RGB input, 1000 ImageNet classes',
  inputShape: [224, 224, 3],
  units: [
    {
      name: 'stem',
      layers: [
        { kind: 'conv2d', filters: 64, kernel: 7, stride: 2, padding: 3, bias: false },
        { kind: 'batchNorm' },
        { kind: 'relu' },
        { kind: 'maxPool2d', pool: 3, stride: 2, padding: 1 },
      ],
    },
    ...STAGE_FILTERS.flatMap((filters, s) =>
      [0, 1].map((b) => ({
        name: `layer${s + 1}.${b}`,
        layers: [{ kind: 'basicBlock' as const, filters, stride: s > 0 && b === 0 ? 2 : 1 }],
      })),
    ),
    { name: 'head', layers: [{ kind: 'globalAvgPool' }, { kind: 'dense', units: 1000 }] },
  ],
};
