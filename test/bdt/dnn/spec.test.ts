import assert from 'node:assert/strict';
import * as z from 'zod';
import { DnnSpecError, convOutputLength, dnnSpecSchema, flopsOf, profileFromSpec, type DnnSpecInput, type LayerSpecInput } from '../../../env/bdt/dnn/index.ts';
import { applyLayer } from '../../../env/bdt/dnn/analyze.ts';

/** A one-unit spec around `layers`, on `inputShape`. */
function single(inputShape: number[], ...layers: LayerSpecInput[]): DnnSpecInput {
  return { name: 'probe', inputShape, units: [{ name: 'u', layers }] };
}

function unitOf(spec: DnnSpecInput) {
  const unit = profileFromSpec(spec).units[0];
  assert.ok(unit);
  return unit;
}

/** The issues of a spec that must fail validation. */
function issuesOf(spec: unknown) {
  try {
    profileFromSpec(spec as DnnSpecInput);
  } catch (error) {
    assert.ok(error instanceof DnnSpecError, `expected DnnSpecError, got ${String(error)}`);
    return { issues: error.issues, message: error.message };
  }
  assert.fail('spec was accepted');
}

describe('DNN layer specs: shape arithmetic', () => {
  it('profiles a tiny conv net with the hand-computed shapes, MACs, FLOPs and sizes', () => {
    const profile = profileFromSpec({
      name: 'tiny',
      inputShape: [8, 8, 3],
      units: [
        {
          name: 'conv',
          layers: [{ kind: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 1 }, { kind: 'relu' }, { kind: 'maxPool2d', pool: 2 }],
        },
        { name: 'fc', layers: [{ kind: 'flatten' }, { kind: 'dense', units: 5 }] },
      ],
    });
    // conv: floor((8 + 2 - 3) / 2) + 1 = 4 -> [4, 4, 4]; MACs 4*4*4 outputs x 3*3*3 = 1728.
    // pool 2: [2, 2, 4]. otherOps: bias 64 + relu 64 + max pool 16 outputs x 3 compares = 176.
    const [conv, fc] = profile.units;
    assert.deepEqual(conv, { name: 'conv', macs: 1728, flops: 3456, otherOps: 176, outputShapes: [[2, 2, 4]], outputElements: 16, outputBits: 512 });
    // dense: 16 inputs x 5 = 80 MACs, bias 5.
    assert.deepEqual(fc, { name: 'fc', macs: 80, flops: 160, otherOps: 5, outputShapes: [[5]], outputElements: 5, outputBits: 160 });
    assert.equal(profile.inputBits, 8 * 8 * 3 * 32);
    assert.equal(profile.totalMacs, 1808);
    assert.equal(profile.totalFlops, 3616);
    assert.equal(profile.flopsConvention, 'macs');
  });

  it("adds otherOps to FLOPs under 'macs+elementwise' and scales sizes by bitsPerElement", () => {
    const spec: DnnSpecInput = { ...single([8, 8, 3], { kind: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 1 }, { kind: 'relu' }), bitsPerElement: 8 };
    const profile = profileFromSpec(spec, { flopsConvention: 'macs+elementwise' });
    assert.equal(profile.units[0]?.flops, 2 * 1728 + 128);
    assert.equal(profile.units[0]?.outputBits, 64 * 8);
    assert.equal(profile.inputBits, 192 * 8);
  });

  it("follows TensorFlow for 'same' and PyTorch for 'valid' and explicit padding", () => {
    assert.equal(convOutputLength(7, 3, 2, 1, 'same'), 4); // ceil(7 / 2)
    assert.equal(convOutputLength(7, 3, 2, 1, 'valid'), 3); // floor(4 / 2) + 1
    assert.equal(convOutputLength(7, 3, 2, 1, 1), 4); // floor(6 / 2) + 1
    assert.equal(convOutputLength(7, 3, 1, 2, 'valid'), 3); // dilated span 5
    assert.equal(convOutputLength(3, 3, 1, 1, 'valid'), 1); // kernel = input
    assert.equal(convOutputLength(2, 3, 1, 1, 1), 2); // padding makes room
    assert.equal(convOutputLength(55, 3, 2, 1, 'valid'), 27); // AlexNet pool
  });

  it('handles rectangular kernels, per-axis padding, groups and default pool strides', () => {
    const rect = unitOf(single([10, 6, 2], { kind: 'conv2d', filters: 3, kernel: [3, 1], stride: [2, 1], padding: [1, 0], bias: false }));
    assert.deepEqual(rect.outputShapes, [[5, 6, 3]]);
    assert.equal(rect.macs, 5 * 6 * 3 * 3 * 1 * 2);
    assert.equal(rect.otherOps, 0);

    const grouped = unitOf(single([5, 5, 4], { kind: 'conv2d', filters: 6, kernel: 3, padding: 'same', groups: 2, bias: false }));
    assert.equal(grouped.macs, 25 * 6 * 9 * 2); // each output sees 4 / 2 input channels

    const depthwise = unitOf(single([6, 6, 4], { kind: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, bias: false }));
    assert.deepEqual(depthwise.outputShapes, [[4, 4, 8]]);
    assert.equal(depthwise.macs, 16 * 8 * 9);

    const avg = unitOf(single([7, 7, 2], { kind: 'avgPool2d', pool: 3 }));
    assert.deepEqual(avg.outputShapes, [[2, 2, 2]]); // stride defaults to the window
    assert.equal(avg.otherOps, 8 * 9);
  });

  it('handles 1-D convs, 1-D pools, global pooling and dense on a sequence', () => {
    const conv = unitOf(single([10, 6], { kind: 'conv1d', filters: 8, kernel: 3, stride: 3, padding: 'same' }));
    assert.deepEqual(conv.outputShapes, [[4, 8]]); // ceil(10 / 3)
    assert.equal(conv.macs, 4 * 8 * 3 * 6);

    const pooled = unitOf(single([10, 6], { kind: 'maxPool1d', pool: 2, stride: 3 }, { kind: 'globalMaxPool' }));
    // maxPool1d: floor((10 - 2) / 3) + 1 = 3 -> [3, 6], 18 outputs x 1 compare; global max: 18 - 6.
    assert.deepEqual(pooled.outputShapes, [[6]]);
    assert.equal(pooled.otherOps, 18 + 12);

    const dense = unitOf(single([10, 6], { kind: 'dense', units: 4, bias: false }));
    assert.deepEqual(dense.outputShapes, [[10, 4]]); // last axis, as tfjs Dense
    assert.equal(dense.macs, 10 * 6 * 4);
  });

  it('counts a ResNet basic block with and without the projection shortcut', () => {
    const down = unitOf(single([8, 8, 4], { kind: 'basicBlock', filters: 8, stride: 2 }));
    // conv3x3/2: 16 x 8 x 36 = 4608; conv3x3: 16 x 8 x 72 = 9216; projection 1x1/2: 16 x 8 x 4 = 512.
    assert.deepEqual(down.outputShapes, [[4, 4, 8]]);
    assert.equal(down.macs, 4608 + 9216 + 512);
    // BN x3 (256 each), ReLU 128, add 128, final ReLU 128.
    assert.equal(down.otherOps, 3 * 256 + 3 * 128);

    const same = unitOf(single([4, 4, 8], { kind: 'basicBlock', filters: 8 }));
    assert.equal(same.macs, 2 * 9216);
    assert.equal(same.otherOps, 2 * 256 + 3 * 128);
  });

  it('counts a MobileNetV2 inverted residual, with the identity add only when shapes allow', () => {
    const keep = unitOf(single([4, 4, 8], { kind: 'invertedResidual', expandRatio: 2, filters: 8 }));
    // hidden 16: expand 16 x 16 x 8 = 2048, depthwise 16 x 16 x 9 = 2304, project 16 x 8 x 16 = 2048.
    assert.equal(keep.macs, 2048 + 2304 + 2048);
    // BN 2*256 + ReLU6 256, BN 512 + ReLU6 256, BN 256, add 128.
    assert.equal(keep.otherOps, 768 + 768 + 256 + 128);

    const down = unitOf(single([4, 4, 8], { kind: 'invertedResidual', expandRatio: 1, filters: 16, stride: 2 }));
    // no expansion: depthwise 4 x 8 x 9 = 288, project 4 x 16 x 8 = 512; no add.
    assert.deepEqual(down.outputShapes, [[2, 2, 16]]);
    assert.equal(down.macs, 288 + 512);
    assert.equal(down.otherOps, 64 + 32 + 128);
  });

  it("rounds an inverted residual's hidden channels half to even, as torchvision (Python round) does", () => {
    // 5 x 0.5 = 2.5 -> 2 hidden: expand 16 x 2 x 5 = 160, depthwise 16 x 2 x 9 = 288, project 16 x 5 x 2 = 160.
    assert.equal(unitOf(single([4, 4, 5], { kind: 'invertedResidual', expandRatio: 0.5, filters: 5 })).macs, 160 + 288 + 160);
    // 7 x 0.5 = 3.5 -> 4 hidden: 16 x 4 x 7 + 16 x 4 x 9 + 16 x 7 x 4.
    assert.equal(unitOf(single([4, 4, 7], { kind: 'invertedResidual', expandRatio: 0.5, filters: 7 })).macs, 448 + 576 + 448);
    // 1 x 0.5 = 0.5 -> 0 hidden channels: refused.
    const none = issuesOf(single([4, 4, 1], { kind: 'invertedResidual', expandRatio: 0.5, filters: 1 })).issues[0];
    assert.equal(none?.path, 'units[0].layers[0].expandRatio');
  });

  it('sums a generic residual: body plus shortcut, one add per element', () => {
    const unit = unitOf(
      single(
        [4, 4, 2],
        { kind: 'residual', body: [{ kind: 'conv2d', filters: 3, kernel: 3, padding: 'same', bias: false }], shortcut: [{ kind: 'conv2d', filters: 3, kernel: 1, bias: false }] },
      ),
    );
    assert.equal(unit.macs, 16 * 3 * 18 + 16 * 3 * 2);
    assert.equal(unit.otherOps, 48);
  });
});

describe('DNN layer specs: bad input', () => {
  it('a layer kind or FLOPs convention without a case throws, naming it (not a profile of undefined costs, not the other convention)', () => {
    assert.throws(() => applyLayer({ kind: 'gelu2' } as never, [8], []), /layer kind "gelu2"/);
    assert.throws(() => flopsOf(3, 1, 'macs+memory' as never), /FLOPs convention "macs\+memory"/);
  });

  it('rejects a negative kernel with its path and value', () => {
    const { issues } = issuesOf(single([8, 8, 3], { kind: 'conv2d', filters: 4, kernel: -3 }));
    assert.equal(issues[0]?.path, 'units[0].layers[0].kernel');
    assert.equal(issues[0]?.value, -3);
  });

  it('rejects a kernel larger than its input under valid padding, naming axis and sizes', () => {
    const { issues, message } = issuesOf({
      name: 'too-big',
      inputShape: [8, 8, 3],
      units: [{ name: 'a', layers: [{ kind: 'relu' }] }, { name: 'b', layers: [{ kind: 'relu' }, { kind: 'conv2d', filters: 4, kernel: [3, 9] }] }],
    });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, 'units[1].layers[1].kernel');
    assert.match(issues[0]?.rule ?? '', /window of 9 exceeds the width input of 8 with valid padding/);
    assert.deepEqual(issues[0]?.value, [3, 9]);
    assert.match(message, /DNN spec 'too-big' is invalid/);
  });

  it('rejects pool padding above half the window, as PyTorch does, for 2-D and 1-D pools', () => {
    const square = issuesOf(single([8, 8, 3], { kind: 'maxPool2d', pool: 2, padding: 2 })).issues[0];
    assert.equal(square?.path, 'units[0].layers[0].padding');
    assert.match(square?.rule ?? '', /height padding 2 exceeds half the pool window of 2 \(at most 1\)/);
    assert.equal(square?.value, 2);
    const perAxis = issuesOf(single([8, 8, 3], { kind: 'avgPool2d', pool: [4, 3], padding: [2, 2] })).issues[0];
    assert.match(perAxis?.rule ?? '', /width padding 2 exceeds half the pool window of 3 \(at most 1\)/);
    assert.deepEqual(perAxis?.value, [2, 2]);
    const timeAxis = issuesOf(single([10, 2], { kind: 'avgPool1d', pool: 3, padding: 2 })).issues[0];
    assert.equal(timeAxis?.path, 'units[0].layers[0].padding');
    assert.match(timeAxis?.rule ?? '', /time padding 2 exceeds half the pool window of 3/);
    // At most half is fine: pool 3, padding 1 keeps 10 timesteps at stride 1.
    assert.deepEqual(unitOf(single([10, 2], { kind: 'maxPool1d', pool: 3, stride: 1, padding: 1 })).outputShapes, [[10, 2]]);
  });

  it('rejects an unknown key (a typo such as strides for stride) at its path instead of ignoring it', () => {
    const { issues } = issuesOf(single([8, 8, 3], { kind: 'conv2d', filters: 4, kernel: 3, strides: 2 } as unknown as LayerSpecInput));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, 'units[0].layers[0]');
    assert.match(issues[0]?.rule ?? '', /Unrecognized key: "strides"/);
    const spec = { ...single([8, 8, 3], { kind: 'relu' }), flopsConvention: 'macs+elementwise' };
    assert.match(issuesOf(spec).issues[0]?.rule ?? '', /Unrecognized key: "flopsConvention"/, 'the convention is an option of profileFromSpec, not a spec field');
  });

  it('rejects an unknown layer kind, listing the known ones', () => {
    const { issues } = issuesOf(single([8, 8, 3], { kind: 'relu' }, { kind: 'lstm' } as unknown as LayerSpecInput));
    assert.equal(issues[0]?.path, 'units[0].layers[1].kind');
    assert.match(issues[0]?.rule ?? '', /unknown layer kind; expected one of conv2d, .*invertedResidual/);
    assert.equal(issues[0]?.value, 'lstm');
  });

  it('rejects rank mismatches, indivisible groups, mismatched residual branches, empty expansions and duplicate unit names', () => {
    assert.equal(issuesOf(single([8, 8, 3], { kind: 'conv1d', filters: 2, kernel: 3 })).issues[0]?.path, 'units[0].layers[0].kind');
    const groups = issuesOf(single([8, 8, 3], { kind: 'conv2d', filters: 4, kernel: 3, groups: 2 })).issues[0];
    assert.equal(groups?.path, 'units[0].layers[0].groups');
    assert.match(groups?.rule ?? '', /input channels \(3\) must be divisible by groups/);
    const residual = issuesOf(single([4, 4, 2], { kind: 'residual', body: [{ kind: 'conv2d', filters: 3, kernel: 1 }] })).issues[0];
    assert.equal(residual?.path, 'units[0].layers[0].shortcut');
    assert.match(residual?.rule ?? '', /shortcut output \[4, 4, 2\] differs from body output \[4, 4, 3\]/);
    const hidden = issuesOf(single([4, 4, 3], { kind: 'invertedResidual', expandRatio: 0.1, filters: 3 })).issues[0];
    assert.equal(hidden?.path, 'units[0].layers[0].expandRatio');
    const dup = issuesOf({ name: 'd', inputShape: [3], units: [{ name: 'x', layers: [{ kind: 'relu' }] }, { name: 'x', layers: [{ kind: 'relu' }] }] });
    assert.equal(dup.issues[0]?.path, 'units[1].name');
  });

  it('shows NaN and Infinity as such, not as JSON null', () => {
    const infinite = issuesOf({ name: 'b', inputShape: [3], bitsPerElement: Infinity, units: [{ name: 'u', layers: [{ kind: 'relu' }] }] });
    assert.match(infinite.message, /at bitsPerElement: .* \(got Infinity\)/);
  });

  it("shows a shape error's own value, also when it is computed rather than written (a branch's output shape)", () => {
    const residual = issuesOf(single([8, 8, 3], { kind: 'residual', body: [{ kind: 'conv2d', filters: 4, kernel: 1 }] }));
    assert.deepEqual(residual.issues[0]?.value, [8, 8, 3]);
    assert.match(residual.message, /at units\[0\]\.layers\[0\]\.shortcut: shortcut output \[8, 8, 3\] differs from body output \[8, 8, 4\]; .* \(got \[8,8,3\]\)/);
    assert.doesNotMatch(residual.message, /got undefined/);
  });

  it('reports shape errors at the full path when embedded in another schema, and exports to JSON Schema', () => {
    const scenario = z.object({ devices: z.array(z.object({ dnn: dnnSpecSchema })) });
    const result = scenario.safeParse({ devices: [{ dnn: single([4, 4, 1], { kind: 'maxPool2d', pool: 5 }) }] });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['devices', 0, 'dnn', 'units', 0, 'layers', 0, 'pool']);
    const jsonSchema = z.toJSONSchema(dnnSpecSchema, { io: 'input' }) as { properties?: Record<string, { description?: string }> };
    assert.match(jsonSchema.properties?.['inputShape']?.description ?? '', /\[H, W, C\]/);
  });
});
