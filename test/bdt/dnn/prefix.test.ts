import assert from 'node:assert/strict';
import { packProfiles, profileFromSpec, profilePrefixArrays, resolveDnnProfile } from '../../../env/bdt/dnn/index.ts';

const tiny = profileFromSpec({
  name: 'tiny',
  inputShape: [4],
  units: [
    { name: 'a', layers: [{ kind: 'dense', units: 3 }] }, // 12 MACs, 3 outputs
    { name: 'b', layers: [{ kind: 'dense', units: 2 }] }, // 6 MACs, 2 outputs
  ],
});

describe('DNN profile prefix arrays', () => {
  it('gives cumFlops from 0 and outputBits from the raw input, length L + 1', () => {
    const { cumFlops, outputBits } = profilePrefixArrays(tiny);
    assert.deepEqual([...cumFlops], [0, 24, 36]);
    assert.deepEqual([...outputBits], [128, 96, 64]);
  });

  it('packs one profile per device in the BdtSystem layout', () => {
    const sensor = resolveDnnProfile('sensor-cnn1d');
    const packed = packProfiles([tiny, sensor, tiny]);
    assert.deepEqual([...packed.unitCount], [2, 5, 2]);
    assert.deepEqual([...packed.unitOffset], [0, 3, 9, 12]);
    assert.equal(packed.cumFlops.length, 12);
    const row = (n: number, l: number) => (packed.unitOffset[n] as number) + l;
    assert.equal(packed.cumFlops[row(1, 0)], 0);
    assert.equal(packed.cumFlops[row(1, 5)], sensor.totalFlops);
    assert.equal(packed.outputBits[row(1, 0)], sensor.inputBits);
    assert.equal(packed.outputBits[row(1, 3)], sensor.units[2]?.outputBits);
    assert.deepEqual([...packed.cumFlops.subarray(row(2, 0), row(2, 2) + 1)], [0, 24, 36]);
  });
});
