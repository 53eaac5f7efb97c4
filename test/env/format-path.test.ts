/** formatPath: where in a parsed value an error message points. */
import { strict as assert } from 'node:assert';
import { formatPath } from '../../env/core/format-path.ts';

describe('formatPath', () => {
  it('writes keys after dots and indices in brackets, and a key that would not read after a dot as a JSON string in brackets', () => {
    assert.equal(formatPath([]), '(root)');
    assert.equal(formatPath(['units', 2, 'layers', 0, 'kernel']), 'units[2].layers[0].kernel');
    assert.equal(formatPath([3, 'a']), '[3].a');
    assert.equal(formatPath(['dnns', 'sensor-cnn1d', 'units']), 'dnns.sensor-cnn1d.units');
    assert.equal(formatPath(['dnns', '']), 'dnns[""]');
    assert.equal(formatPath(['dnns', 'my net', 'units']), 'dnns["my net"].units');
    assert.equal(formatPath(['a.b', 'c[0]', 'say "hi"']), '["a.b"]["c[0]"]["say \\"hi\\""]');
    assert.equal(formatPath([Symbol('s')]), '[Symbol(s)]');
  });
});
