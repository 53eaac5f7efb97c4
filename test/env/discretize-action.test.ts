import assert from 'node:assert/strict';
import { Box, Dict, DiscretizeAction, MultiDiscrete } from '../../env/index.ts';
import { RecordingEnv } from './recording-env.ts';

describe('env/wrappers/DiscretizeAction', () => {
  it('turns every bounded Box element into K levels spanning [low, high], Dict-aware', () => {
    const inner = new RecordingEnv(new Dict({ partition: new MultiDiscrete([3, 2]), share: new Box([0, -1], [1, 1]) }));
    const env = new DiscretizeAction(inner, 5);
    const space = env.actionSpace as Dict;
    assert.deepEqual(space.keys, ['partition', 'share']);
    assert.ok(space.spaces['partition'] instanceof MultiDiscrete);
    assert.deepEqual(Array.from((space.spaces['share'] as MultiDiscrete).nvec), [5, 5]);
    env.step({ partition: Int32Array.of(2, 1), share: Int32Array.of(4, 1) });
    const sent = inner.last as { partition: Int32Array; share: Float32Array };
    assert.deepEqual(Array.from(sent.partition), [2, 1]);
    assert.deepEqual(Array.from(sent.share), [1, -0.5]);
  });

  it('maps the top level to high itself on a float64 Box where rounding put it one ulp above, outside the inner space', () => {
    const box = new Box<Float64Array>(-0.6056310335307451, 3.064276256356781, { dtype: 'float64' });
    const inner = new RecordingEnv(box);
    const env = new DiscretizeAction(inner, 19);
    for (let level = 0; level < 19; level++) {
      env.step(Int32Array.of(level));
      assert.ok(box.contains(inner.last), `level ${level} gave ${inner.last}`);
    }
    assert.equal((inner.last as Float64Array)[0], 3.064276256356781);
  });

  it('rejects unbounded boxes, too few levels and actions outside the discrete space', () => {
    assert.throws(() => new DiscretizeAction(new RecordingEnv(new Box(0, Infinity, { shape: [1] })), 3), /must be bounded/);
    assert.throws(() => new DiscretizeAction(new RecordingEnv(new Box(0, 1, { shape: [1] })), 1), /levels must be an integer >= 2, got 1/);
    const env = new DiscretizeAction(new RecordingEnv(new Box(0, 1, { shape: [2] })), 3);
    assert.throws(() => env.step(Int32Array.of(0, 3)), /DiscretizeAction/);
  });
});
