import assert from 'node:assert/strict';
import { builtinDnnNames, getBuiltinDnn, profileFromSpec, resolveDnnProfile } from '../../../env/bdt/dnn/index.ts';

/**
 * torchvision's published cost per model (`_ops` in the weights metadata, shown as "GFLOPS" in
 * its docs but counting multiply-accumulates), the rounded figure of the model specification bdt-gym was built from, and the
 * unit-count range we aim for.
 */
const PUBLISHED = {
  alexnet: { gmacs: 0.714, modelSpec: 0.714, units: [8, 12] },
  vgg16: { gmacs: 15.47, modelSpec: 15.47, units: [16, 22] },
  resnet18: { gmacs: 1.814, modelSpec: 1.81, units: [10, 12] },
  mobilenetv2: { gmacs: 0.301, modelSpec: 0.3, units: [19, 20] },
} as const;

describe('built-in DNNs', () => {
  for (const [name, { gmacs, modelSpec, units }] of Object.entries(PUBLISHED)) {
    it(`${name}: total MACs within 1% of torchvision's ${gmacs} G, ${units[0]}-${units[1]} units, 1000 logits`, () => {
      const profile = resolveDnnProfile(name);
      const relativeError = Math.abs(profile.totalMacs / 1e9 - gmacs) / gmacs;
      assert.ok(relativeError < 0.01, `${name}: ${profile.totalMacs} MACs vs ${gmacs} G (${(relativeError * 100).toFixed(2)}%)`);
      assert.ok(Math.abs(profile.totalMacs / 1e9 - modelSpec) / modelSpec < 0.01, `${name}: ${profile.totalMacs} MACs vs the specification's ${modelSpec} G`);
      assert.ok(profile.units.length >= units[0] && profile.units.length <= units[1], `${name}: ${profile.units.length} units`);
      assert.equal(profile.totalFlops, 2 * profile.totalMacs);
      assert.deepEqual(profile.inputShapes, [[224, 224, 3]]);
      assert.equal(profile.inputBits, 224 * 224 * 3 * 32);
      assert.equal(profile.units.at(-1)?.outputElements, 1000);
      assert.ok(profile.units.every((u) => u.macs > 0 && u.outputBits > 0));
    });
  }

  it('keep the exact conv + dense MAC counts of the torchvision architectures', () => {
    // AlexNet by hand: convs 655,566,528 + dense 58,621,952. The others pin the exact counts of
    // the architectures; torchvision publishes them rounded (15.47, 1.814, 0.301 G).
    assert.equal(resolveDnnProfile('alexnet').totalMacs, 714_188_480);
    assert.equal(resolveDnnProfile('vgg16').totalMacs, 15_470_264_320);
    assert.equal(resolveDnnProfile('resnet18').totalMacs, 1_814_073_344);
    assert.equal(resolveDnnProfile('mobilenetv2').totalMacs, 300_774_272);
  });

  it('sensor-cnn1d: 5 units over 128 x 6 windows with the hand-computed MACs', () => {
    const profile = resolveDnnProfile('sensor-cnn1d');
    assert.deepEqual(profile.units.map((u) => u.name), ['conv1', 'conv2', 'conv3', 'fc1', 'fc2']);
    // conv1 128x32x5x6, conv2 64x64x5x32, conv3 32x128x3x64, fc1 2048x128, fc2 128x6.
    assert.deepEqual(profile.units.map((u) => u.macs), [122_880, 655_360, 786_432, 262_144, 768]);
    assert.deepEqual(profile.units.map((u) => u.outputElements), [64 * 32, 32 * 64, 16 * 128, 128, 6]);
    assert.equal(profile.inputBits, 128 * 6 * 32);
  });

  it('lists its names, rejects unknown ones with the list, and cannot be altered by callers', () => {
    assert.deepEqual([...builtinDnnNames], ['alexnet', 'vgg16', 'resnet18', 'mobilenetv2', 'sensor-cnn1d']);
    assert.throws(() => getBuiltinDnn('resnet50'), /unknown built-in DNN "resnet50"; available: alexnet, vgg16, resnet18, mobilenetv2, sensor-cnn1d/);
    const spec = getBuiltinDnn('alexnet');
    assert.throws(() => {
      (spec.units as unknown as unknown[]).push({});
    }, TypeError);
    assert.equal(profileFromSpec(spec).units.length, 8);
  });
});
