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

  it('spans a float64 Box wider than the largest double, or whose level times width passes it, by mixing the bounds', () => {
    const levelsOf = (box: Box<Float64Array>) => {
      const inner = new RecordingEnv(box);
      const env = new DiscretizeAction(inner, 5);
      return [0, 1, 2, 3, 4].map((level) => {
        env.step(Int32Array.of(level));
        return (inner.last as Float64Array)[0]!;
      });
    };
    // high - low is Infinity: NaN at level 0, then Infinity clipped to high
    assert.deepEqual(levelsOf(new Box<Float64Array>(-1e308, 1e308, { shape: [1], dtype: 'float64' })), [-1e308, -5e307, 0, 5e307, 1e308]);
    // 2 (high - low) is Infinity: levels 2 and 3 were high
    assert.deepEqual(levelsOf(new Box<Float64Array>(0, 1e308, { shape: [1], dtype: 'float64' })), [0, 2.5e307, 5e307, 7.5e307, 1e308]);
  });

  it('rejects unbounded boxes, too few levels and actions outside the discrete space', () => {
    assert.throws(() => new DiscretizeAction(new RecordingEnv(new Box(0, Infinity, { shape: [1] })), 3), /must be bounded/);
    assert.throws(() => new DiscretizeAction(new RecordingEnv(new Box(0, 1, { shape: [1] })), 1), /levels must be an integer >= 2, got 1/);
    const env = new DiscretizeAction(new RecordingEnv(new Box(0, 1, { shape: [2] })), 3);
    assert.throws(() => env.step(Int32Array.of(0, 3)), /DiscretizeAction/);
  });
});
