import assert from 'node:assert/strict';
import { lerpBounds, mixBounds } from '../../env/spaces/box.ts';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, Tuple, batchSpace, createBatch, flatdim, flatten, flattenSpace, makeRng, spaceFromJSON, subSeed, unflatten, SpaceError, type Space } from '../../env/index.ts';

describe('spaces', () => {
  describe('Box', () => {
    it("says where it is bounded, as Gymnasium's is_bounded(manner), bounded_below and bounded_above", () => {
      const box = new Box(Float32Array.of(0, -Infinity), Float32Array.of(Infinity, 1));
      assert.deepEqual([box.isBounded(), box.isBounded('below'), box.isBounded('above')], [false, false, false]);
      assert.deepEqual([box.boundedBelow, box.boundedAbove], [[true, false], [false, true]]);
      const half = new Box(0, Infinity, { shape: [2] });
      assert.deepEqual([half.isBounded(), half.isBounded('below'), half.isBounded('above')], [false, true, false]);
      assert.equal(new Box(-1, 1, { shape: [3] }).isBounded('both'), true);
      assert.throws(() => half.isBounded('left' as never), /^SpaceError: Box.isBounded: manner "left" is not 'both', 'below' or 'above'/);
    });

    it('broadcasts scalar bounds over the shape and samples inside them', () => {
      const box = new Box(-1, 2, { shape: [2, 3], seed: 1 });
      assert.equal(box.size, 6);
      for (let k = 0; k < 50; k++) {
        const x = box.sample();
        assert.ok(x instanceof Float32Array && x.length === 6);
        assert.ok(box.contains(x));
      }
    });

    it('takes per-element bounds and infers the shape', () => {
      const box = new Box([0, -Infinity, -1], [1, Infinity, Infinity], { dtype: 'float64', seed: 3 });
      assert.deepEqual(box.shape, [3]);
      const x = box.sample();
      assert.ok(x instanceof Float64Array);
      assert.ok(x[0]! >= 0 && x[0]! <= 1 && x[2]! >= -1);
      assert.ok(box.contains(Float64Array.of(0.5, -1e300, 7)));
    });

    it('rejects wrong dtype, length, NaN and out-of-bound values, and explains why', () => {
      const box = new Box(-1, 1, { shape: [2, 2] });
      assert.equal(box.contains(Float64Array.of(0, 0, 0, 0)), false);
      assert.match(box.explain(Float64Array.of(0, 0, 0, 0))!, /Float32Array of length 4, got Float64Array \(copy it: Float32Array\.from\(x\)\)$/);
      assert.equal(box.explain('0000'), 'expected a Float32Array of length 4, got string', 'a string is no array of numbers to copy');
      assert.match(box.explain(new Float32Array(3))!, /got length 3/);
      assert.match(box.explain(Float32Array.of(0, 0, 0, NaN))!, /element \[3\] \(= \[1, 1\]\) is NaN/);
      assert.match(box.explain(Float32Array.of(0, 2, 0, 0))!, /element \[1\] \(= \[0, 1\]\) = 2 is outside \[-1, 1\]/);
      assert.equal(box.explain(Float32Array.of(0, 1, -1, 0)), undefined);
    });

    it('explainArrayType judges the array type and length only (the values are an env\'s to judge, as vector envs leave them)', () => {
      const box = new Box(-1, 1, { shape: [2], dtype: 'float64' });
      assert.equal(box.explainArrayType(Float64Array.of(2, NaN)), undefined);
      assert.equal(box.explainArrayType(Float32Array.of(0, 0)), 'expected a Float64Array of length 2, got Float32Array (copy it: Float64Array.from(x))');
      assert.equal(box.explainArrayType(new Float64Array(3)), 'expected a Float64Array of length 2, got length 3');
    });

    it('rejects inconsistent construction', () => {
      assert.throws(() => new Box(1, 0, { shape: [1] }), /low\[0\] = 1 must be <= high\[0\] = 0/);
      assert.throws(() => new Box([0, 0], [1, 1, 1]), /high has 3 elements/);
      assert.deepEqual(new Box(0, 1).shape, [1], 'two scalars: shape [1], as Gymnasium');
    });

    it('samples a float64 range wider than the largest double inside it (lo + (hi - lo) u gave Infinity), and a narrower one as lo + (hi - lo) u', () => {
      const box = new Box<Float64Array>([-1e308, -Number.MAX_VALUE], [1e308, Number.MAX_VALUE], { dtype: 'float64', seed: 1 });
      const samples = Array.from({ length: 200 }, () => box.sample());
      for (const x of samples) assert.ok(box.contains(x) && x.every(Number.isFinite), `sample ${x}`);
      for (const k of [0, 1]) assert.ok(samples.some((x) => x[k]! < 0) && samples.some((x) => x[k]! > 0), `element ${k} takes both signs`);
      const rng = makeRng(2);
      const narrow = new Box<Float64Array>(-1e307, 1e308, { dtype: 'float64', seed: 2 });
      for (let k = 0; k < 5; k++) assert.equal(narrow.sample()[0], -1e307 + (1e308 + 1e307) * rng());
    });

    it('lerpBounds and mixBounds (Box.sample, BoxAction, RescaleAction, DiscretizeAction) go from low to high, past the largest double too', () => {
      const MAX = Number.MAX_VALUE;
      const bounds = [[-1, 1], [0, 1], [-3.5, 7.25], [1e-300, 2e-300], [2, 2], [-1e307, 1e308], [-1e308, 1e308], [-MAX, MAX], [0, MAX]];
      for (const [lo, hi] of bounds as [number, number][]) {
        for (const f of [0, 0.25, 1 / 3, 0.5, 0.9999999999999999, 1]) {
          const mixed = lo * (1 - f) + hi * f;
          assert.ok(Object.is(mixBounds(lo, hi, f), mixed), `mixBounds(${lo}, ${hi}, ${f})`);
          assert.ok(Object.is(lerpBounds(lo, hi, f), Number.isFinite(hi - lo) ? lo + (hi - lo) * f : mixed), `lerpBounds(${lo}, ${hi}, ${f})`);
          assert.ok(lerpBounds(lo, hi, f) >= lo && lerpBounds(lo, hi, f) <= hi, `lerpBounds(${lo}, ${hi}, ${f}) = ${lerpBounds(lo, hi, f)} is within the bounds`);
        }
        assert.equal(lerpBounds(lo, hi, 0), lo);
        assert.equal(lerpBounds(lo, hi, 1), hi);
      }
      assert.equal(lerpBounds(-MAX, MAX, 0.5), 0);
      assert.equal(lerpBounds(-1e308, 1e308, 0.25), -5e307);
    });

    it('samples the same sequence for the same seed', () => {
      const a = new Box(-Infinity, Infinity, { shape: [5], seed: 7 });
      const b = new Box(-Infinity, Infinity, { shape: [5], seed: 7 });
      assert.deepEqual(a.sample(), b.sample());
      b.seed(8);
      assert.notDeepEqual(a.sample(), b.sample());
    });
  });

  describe('Discrete', () => {
    it('samples in {start..start+n-1}, honours masks, returns start for an all-zero mask', () => {
      const d = new Discrete(4, 10, 0);
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) seen.add(d.sample());
      assert.deepEqual([...seen].sort(), [10, 11, 12, 13]);
      for (let i = 0; i < 50; i++) assert.ok([11, 13].includes(d.sample(Int8Array.of(0, 1, 0, 1))));
      assert.equal(d.sample(new Int8Array(4)), 10);
      assert.throws(() => d.sample(Int8Array.of(0, 1)), SpaceError);
      assert.throws(() => d.sample([0, 2, 0, 0]), /mask\[1\] = 2/);
    });

    it('samples every value of n > 2^32 (53-bit draws; 32 bits reached only multiples of n / 2^32), and n <= 2^21 as one 32-bit draw did', () => {
      const wide = new Discrete(2 ** 40, 5, 1);
      const offsets = Array.from({ length: 64 }, () => wide.sample() - 5);
      assert.ok(offsets.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 40));
      assert.ok(offsets.some((x) => x % 256 !== 0), `offsets ${offsets.slice(0, 4)}… all multiples of 2^40 / 2^32`);
      const widest = new Discrete(Number.MAX_SAFE_INTEGER, -1, 2);
      for (let k = 0; k < 1000; k++) assert.ok(widest.contains(widest.sample()));
      const rng = makeRng(3);
      const narrow = new Discrete(2 ** 21, 0, 3);
      for (let k = 0; k < 5; k++) assert.equal(narrow.sample(), Math.floor(rng() * 2 ** 21));
    });

    it('samples uniformly for n in (2^21, 2^32] too (floor(u n) of one 32-bit draw gave some values 2 draws, others 1)', () => {
      // n = 3 2^30: floor(u n) gave each multiple of 3 two of every four draws, a share of 1/2
      const d = new Discrete(3 * 2 ** 30, 0, 4);
      let multiples = 0;
      for (let k = 0; k < 20000; k++) if (d.sample() % 3 === 0) multiples++;
      assert.ok(Math.abs(multiples / 20000 - 1 / 3) < 0.02, `share of multiples of 3: ${multiples / 20000}`);
    });

    it('contains only integers in range', () => {
      const d = new Discrete(2);
      assert.ok(d.contains(0) && d.contains(1));
      assert.ok(!d.contains(2) && !d.contains(0.5) && !d.contains(NaN) && !d.contains('1'));
      assert.match(d.explain(NaN)!, /NaN is not an integer/);
      assert.match(d.explain(3)!, /outside \{0, …, 1\}/);
    });
  });

  describe('MultiDiscrete and MultiBinary', () => {
    it('MultiDiscrete samples Int32Array within nvec, with per-element masks', () => {
      const md = new MultiDiscrete([3, 2], { start: [1, 0], seed: 2 });
      for (let i = 0; i < 30; i++) assert.ok(md.contains(md.sample()));
      for (let i = 0; i < 30; i++) assert.equal(md.sample([[0, 0, 1], [1, 1]])[0], 3);
      assert.match(md.explain(Int32Array.of(0, 0))!, /element \[0\] = 0 is outside \{1, …, 3\}/);
      assert.ok(!md.contains([1, 0]));
    });

    it('MultiDiscrete samples uniformly for nvec in (2^21, 2^31) too (floor(u n) of one 32-bit draw gave some values 3 draws, others 2)', () => {
      // nvec 3 2^29: floor(u n) gave values 2 mod 3 two of every eight draws, a share of 1/4
      const md = new MultiDiscrete([3 * 2 ** 29, 2], { seed: 4 });
      let twos = 0;
      for (let k = 0; k < 20000; k++) if (md.sample()[0]! % 3 === 2) twos++;
      assert.ok(Math.abs(twos / 20000 - 1 / 3) < 0.02, `share of values 2 mod 3: ${twos / 20000}`);
    });

    it('MultiBinary samples Int8Array bits, mask 0/1 forces and 2 samples', () => {
      const mb = new MultiBinary([2, 2], 4);
      const x = mb.sample(Int8Array.of(1, 0, 2, 2));
      assert.ok(x instanceof Int8Array && x[0] === 1 && x[1] === 0 && mb.contains(x));
      assert.match(mb.explain(Int8Array.of(0, 0, 3, 0))!, /element \[2\] \(= \[1, 0\]\) = 3/);
    });
  });

  describe('Dict and Tuple', () => {
    it('refuse spaces given in another form (a Map made an empty Dict; null and an object in a Tuple were raw TypeErrors), and batchSpace a bad count', () => {
      assert.throws(() => new Dict(null as never), { message: 'Dict: spaces must be an object of spaces by key, got null' });
      assert.throws(() => new Dict(new Map([['a', new Discrete(2)]]) as never), { message: 'Dict: spaces must be an object of spaces by key, got a Map (give Object.fromEntries(map))' });
      assert.throws(() => new Tuple({ 0: new Discrete(2) } as never), /^SpaceError: Tuple: spaces must be an array of spaces, got \{0: /);
      assert.throws(() => batchSpace(new Discrete(2), -1), { message: 'batchSpace: the number of elements must be an integer >= 0, got -1' });
      assert.throws(() => createBatch(new Box(0, 1, { shape: [2] }), NaN), { message: 'createBatch: the number of elements must be an integer >= 0, got NaN' });
    });

    const make = () =>
      new Dict(
        {
          pos: new Box(-1, 1, { shape: [2] }),
          mode: new Discrete(3),
          parts: new Tuple([new MultiBinary(2), new MultiDiscrete([2, 2])]),
        },
        5,
      );

    it('keeps insertion key order and samples members', () => {
      const d = make();
      assert.deepEqual(d.keys, ['pos', 'mode', 'parts']);
      const x = d.sample();
      assert.deepEqual(Object.keys(x), ['pos', 'mode', 'parts']);
      assert.ok(d.contains(x));
      assert.deepEqual(make().sample(), make().sample(), 'same seed, same sample');
    });

    it('explains a bad element by key and index', () => {
      const d = make();
      const x = d.sample();
      assert.match(d.explain({ ...x, parts: [x.parts[0], Int32Array.of(0, 5)] })!, /key "parts": index \[1\]: element \[1\] = 5/);
      assert.match(d.explain({ pos: x.pos, parts: x.parts })!, /key "mode" is missing/);
      assert.match(d.explain({ ...x, extra: 1 })!, /unexpected key "extra"/);
    });

    it("takes only the element's own enumerable keys, as Gymnasium's x.keys() == spaces.keys()", () => {
      const d = make();
      const x = d.sample();
      assert.ok(d.contains(Object.assign(Object.create(null), x)), 'a null-prototype object');
      assert.ok(d.contains(Object.assign(Object.create({ junk: 1 }), x)), 'an inherited extra key is not the element');
      const inherited = Object.assign(Object.create({ mode: x.mode }), { pos: x.pos, parts: x.parts, extra: 1 });
      assert.equal(d.contains(inherited), false, 'three own keys, one of them extra, and "mode" only inherited');
      assert.match(d.explain(inherited)!, /key "mode" is not the object's own enumerable property/);
      assert.equal(d.contains(Object.create(x)), false);
      assert.equal(d.contains(Object.assign([], x)), false, 'an array with the keys');
    });

    it('flattens, unflattens and round-trips through JSON', () => {
      const d = make();
      assert.equal(flatdim(d), 2 + 3 + 2 + 4);
      const x = d.sample();
      const flat = flatten(d, x);
      assert.ok(flat instanceof Float32Array && flat.length === 11);
      assert.deepEqual(unflatten(d, flat), x);
      const fs = flattenSpace(d);
      assert.ok(fs.contains(flat));
      const copy = spaceFromJSON(JSON.parse(JSON.stringify(d))) as Space<unknown>;
      assert.equal(copy.toString(), d.toString());
      assert.ok(copy.contains(x));
    });
  });

  it('seed returns the seeds used, as Gymnasium: one for a simple space, by key for Dict, by index for Tuple', () => {
    const box = new Box(0, 1, { shape: [2] });
    assert.equal(box.seed(5), 5);
    const drawn = box.seed();
    assert.ok(Number.isInteger(drawn) && (drawn as number) >= 0, `drawn seed ${String(drawn)}`);
    const first = box.sample();
    box.seed(drawn as number);
    assert.deepEqual(box.sample(), first, 'the returned seed reproduces the samples');
    assert.throws(() => box.seed(-1), /Box\.seed: seed = -1 must be an integer >= 0/);
    assert.throws(() => new Discrete(3, 0, 0.5), /Discrete: the constructor's: seed = 0\.5 must be an integer >= 0/);

    const dict = new Dict({ a: new Discrete(100), b: new Tuple([new Discrete(100), new Discrete(100)]) });
    assert.deepEqual(dict.seed(42), { a: '42/a', b: ['42/b/0', '42/b/1'] });
    dict.seed({ a: 1, b: [2, 3] });
    const fromRecord = dict.sample();
    const separate = [new Discrete(100, 0, 1).sample(), new Discrete(100, 0, 2).sample(), new Discrete(100, 0, 3).sample()];
    assert.deepEqual([fromRecord.a, ...fromRecord.b], separate, 'each key and index seeded with its own seed');
    assert.throws(() => dict.seed({ a: 1 } as never), /Dict\.seed: a record of seeds needs exactly the keys \[a, b\], got \[a\]/);
    assert.throws(() => new Tuple([new Discrete(2)]).seed([1, 2]), /Tuple\.seed: an array of seeds needs 1 entries, got 2/);
    const unseeded = dict.seed() as { a: number; b: number[] };
    assert.ok(Number.isInteger(unseeded.a) && unseeded.b.every(Number.isInteger), JSON.stringify(unseeded));
  });

  it("a Dict key holding '/' gets a sub-seed of its own, not a nested space's; keys without '/' or '%' keep theirs", () => {
    const dict = new Dict({ a: new Tuple([new Discrete(1000)]), 'a/0': new Discrete(1000), 'a%2F0': new Discrete(1000) });
    const seeds = dict.seed(42) as { a: string[]; 'a/0': string; 'a%2F0': string };
    assert.equal(new Set([seeds.a[0], seeds['a/0'], seeds['a%2F0']]).size, 3, JSON.stringify(seeds));
    const samples = Array.from({ length: 5 }, () => dict.sample());
    assert.notDeepEqual(samples.map((x) => x.a[0]), samples.map((x) => x['a/0']), 'two streams, not one');
    // the seeds of keys without '/' or '%' are subSeed's, as recorded runs drew them
    const plain = new Dict({ a: new Discrete(1000), b: new Tuple([new Discrete(1000)]) });
    assert.deepEqual(plain.seed(42), { a: subSeed(42, 'a'), b: [subSeed(subSeed(42, 'b'), '0')] });
  });

  it("equals is Gymnasium's ==: the same type, dtype, shape, bounds, n and start, keys in order and sub-spaces; not the sampler's seed", () => {
    const dict = (seed: number) => new Dict({ pos: new Box(-1, [1, Infinity], { dtype: 'float64' }), parts: new Tuple([new Discrete(3, 1), new MultiDiscrete([2, 3]), new MultiBinary([2, 2])]) }, seed);
    assert.ok(dict(1).equals(dict(2)));
    assert.ok(new Box(0, 1, { shape: [2] }).equals(new Box([0, 0], [1, 1])), 'scalar and per-element bounds alike');
    const others: Array<[Space<unknown>, Space<unknown>, string]> = [
      [new Box(0, 1, { shape: [2] }), new Box(0, 1, { shape: [2], dtype: 'float64' }), 'dtype'],
      [new Box(0, 1, { shape: [2] }), new Box(0, 1, { shape: [1, 2] }), 'shape'],
      [new Box(0, 1, { shape: [2] }), new Box(0, [1, 2]), 'a bound'],
      [new Box(0, 1, { shape: [2] }), new Box(0, [1, Infinity]), 'an infinite bound'],
      [new Discrete(3), new Discrete(3, 1), 'start'],
      [new Discrete(3), new Discrete(4), 'n'],
      [new Discrete(2), new MultiBinary(2), 'type'],
      [new MultiDiscrete([2, 3]), new MultiDiscrete([2, 3], { start: [0, 1] }), 'MultiDiscrete start'],
      [new MultiBinary([4]), new MultiBinary([2, 2]), 'MultiBinary shape'],
      [new Dict({ a: new Discrete(2), b: new Discrete(3) }), new Dict({ b: new Discrete(3), a: new Discrete(2) }), 'key order (it orders flatten)'],
      [new Dict({ a: new Discrete(2) }), new Dict({ b: new Discrete(2) }), 'keys'],
      [new Tuple([new Discrete(2)]), new Tuple([new Discrete(2), new Discrete(2)]), 'Tuple length'],
      [dict(1), new Dict({ pos: new Box(-1, [1, Infinity], { dtype: 'float64' }), parts: new Tuple([new Discrete(3, 1), new MultiDiscrete([2, 3]), new MultiBinary([4])]) }), 'a nested sub-space'],
    ];
    for (const [a, b, what] of others) assert.ok(!a.equals(b) && !b.equals(a), `differ in ${what}: ${a.toString()} ${b.toString()}`);
    assert.ok(!new Discrete(2).equals({ toJSON: () => new Discrete(2).toJSON() } as never), 'not a Space');
  });

  it('sample takes null for no mask or probability (Python None), and refuses malformed composite masks by name', () => {
    const dict = new Dict({ a: new Discrete(3, 0, 1), b: new MultiDiscrete([2, 2], { seed: 1 }) });
    assert.ok(dict.contains(dict.sample(null as never)));
    assert.ok(dict.contains(dict.sample({ a: null, b: [null, Int8Array.of(0, 1)] } as never)));
    assert.equal(new Discrete(3, 0, 2).sample(null as never, null as never), new Discrete(3, 0, 2).sample());
    assert.throws(() => dict.sample({ c: Int8Array.of(1) } as never), /Dict\.sample: mask has unknown key "c" \(keys: a, b\)/);
    assert.throws(() => dict.sample(5 as never), /Dict\.sample: mask must be a record by key, got 5/);
    assert.throws(() => new Tuple([new Discrete(2)]).sample([null, null]), /Tuple\.sample: mask must be an array of 1 entries/);
    assert.throws(() => new Discrete(3).sample(7 as never), /Discrete\.sample: mask must be an array of 3 0\/1 entries, got 7/);
  });

  it('JSON keeps infinite bounds', () => {
    const box = new Box([0, -Infinity], [Infinity, 1], { dtype: 'float64' });
    const copy = spaceFromJSON(JSON.parse(JSON.stringify(box))) as Box<Float64Array>;
    assert.deepEqual(Array.from(copy.low), [0, -Infinity]);
    assert.deepEqual(Array.from(copy.high), [Infinity, 1]);
    assert.equal(copy.dtype, 'float64');
    assert.throws(() => spaceFromJSON({ type: 'Nope' }), /\$\.type = "Nope"/);
  });

  describe('refuse bad constructor arguments with a SpaceError naming the space, the argument and the rule', () => {
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof SpaceError && pattern.test(e.message);

    it("Box options: a plain object of known keys (Gymnasium's positional shape gave shape [1])", () => {
      assert.throws(() => new Box(0, 1, [2] as never), refused(/^Box: options must be an object \{ shape, dtype, seed \}, got \[2\]; pass \{ shape: \[2\] \}$/));
      assert.throws(() => new Box(0, 1, { shape: [2], bogus: 1 } as never), refused(/^Box: unknown option "bogus" \(options: shape, dtype, seed\)$/));
      assert.throws(() => new Box(0, 1, { shape: 2 as never }), refused(/^Box: shape must be an array of non-negative integers, got 2$/));
      assert.throws(() => new Box([0, 1], undefined as never), refused(/^Box: high must be a number or an array of numbers, got undefined$/));
      assert.deepEqual(new Box(0, 1, Object.assign(Object.create(null) as object, { shape: [2] })).shape, [2], 'a null-prototype object is a plain object');
    });

    it('Box bounds: no low +Infinity or high -Infinity (sample drew finite values outside), none beyond float32 (they became Infinity)', () => {
      assert.throws(() => new Box(Infinity, Infinity), refused(/^Box: low = Infinity leaves no element to sample \(the low of an unbounded side is -Infinity\)$/));
      assert.throws(() => new Box(-Infinity, -Infinity), refused(/^Box: high = -Infinity leaves no element to sample \(the high of an unbounded side is Infinity\)$/));
      assert.throws(() => new Box([0, Infinity], [1, Infinity]), refused(/^Box: low\[1\] = Infinity leaves no element/));
      assert.throws(() => new Box(0, 1e39), refused(/^Box: high = 1e\+39 is outside the float32 range \(largest 3\.4028234663852886e\+38\); give Infinity for an unbounded side, or dtype 'float64'$/));
      assert.throws(() => new Box([-1, -4e38], 0), refused(/^Box: low\[1\] = -4e\+38 is outside the float32 range .* give -Infinity/));
      assert.equal(new Box(0, 1e39, { dtype: 'float64' }).high[0], 1e39, 'float64 holds it');
      assert.equal(new Box(0, 3.4028234663852886e38).high[0], 3.4028234663852886e38, 'the largest float32 is a bound');
    });

    it('array shapes hold at most MAX_SPACE_SIZE elements (a bare RangeError before)', () => {
      assert.throws(() => new Box(0, 1, { shape: [1e5, 1e5] }), refused(/^Box: shape \[100000, 100000\] has 10000000000 elements, more than an array holds \(4294967295\)$/));
      assert.throws(() => new MultiBinary([2 ** 16, 2 ** 16]), refused(/^MultiBinary: shape \[65536, 65536\] has 4294967296 elements/));
    });

    it('Discrete: n and start are safe integers, and so is the largest value', () => {
      assert.throws(() => new Discrete(1e300), refused(/^Discrete: n = 1e\+300 must be a positive integer <= 9007199254740991 \(Number\.MAX_SAFE_INTEGER\)$/));
      assert.throws(() => new Discrete(2 ** 53 + 2), refused(/^Discrete: n = 9007199254740994 must be a positive integer/));
      assert.throws(() => new Discrete(2, -(2 ** 60)), refused(/^Discrete: start = -1152921504606847000 must be an integer within ±9007199254740991/));
      assert.throws(() => new Discrete(10, 2 ** 53 - 3), refused(/^Discrete: the largest value, start \+ n - 1 = 9007199254740989 \+ 10 - 1, is above 9007199254740991/));
      assert.equal(new Discrete(2, 2 ** 53 - 2).contains(2 ** 53 - 1), true);
    });

    it("MultiBinary: every dimension at least 1 (Gymnasium's asserts n > 0; an empty one was accepted), so batchSpace of one 0 times is refused", () => {
      assert.throws(() => new MultiBinary(0), refused(/^MultiBinary: shape\[0\] = 0 must be a positive integer$/));
      assert.throws(() => new MultiBinary([2, 0]), refused(/^MultiBinary: shape\[1\] = 0 must be a positive integer$/));
      assert.throws(() => new MultiBinary(-1), refused(/^MultiBinary: shape\[0\] = -1 must be a positive integer$/));
      assert.throws(() => spaceFromJSON({ type: 'MultiBinary', shape: [0] }), refused(/MultiBinary: shape\[0\] = 0 must be a positive integer$/));
      assert.equal(new MultiBinary([]).size, 1, 'shape [] is one bit, as Gymnasium');
      assert.throws(() => batchSpace(new Dict({ bits: new MultiBinary(3) }), 0), refused(/^batchSpace MultiBinary\(3\) cannot be batched 0 times: a MultiBinary has at least one bit$/));
      assert.equal(batchSpace(new MultiBinary(3), 1).toString(), 'MultiBinary([1, 3])');
    });

    it('MultiDiscrete: integer nvec and start whose values fit int32 (they wrapped around in the Int32Arrays)', () => {
      assert.throws(() => new MultiDiscrete([2 ** 31 + 5]), refused(/^MultiDiscrete: nvec\[0\] = 2147483653 must be <= 2147483647 \(int32, as nvec is an Int32Array\)$/));
      assert.throws(() => new MultiDiscrete([2, 2], { start: [NaN, 1.5] }), refused(/^MultiDiscrete: start\[0\] = NaN must be an integer$/));
      assert.throws(() => new MultiDiscrete([2, 2], { start: [0, 1.5] }), refused(/^MultiDiscrete: start\[1\] = 1\.5 must be an integer$/));
      assert.throws(() => new MultiDiscrete([5], { start: [2 ** 31 - 2] }), refused(/^MultiDiscrete: element \[0\] takes \{2147483646, …, 2147483650\} \(start\[0\] \+ nvec\[0\] - 1\), beyond int32 \[-2147483648, 2147483647\]/));
      assert.throws(() => new MultiDiscrete([2], { start: [-(2 ** 31) - 1] }), refused(/^MultiDiscrete: element \[0\] takes \{-2147483649, …/));
      assert.throws(() => new MultiDiscrete([2, 3], [1, 1] as never), refused(/^MultiDiscrete: options must be an object \{ start, seed \}, got \[1, 1\]; pass \{ start: \[1, 1\] \}$/));
      assert.throws(() => new MultiDiscrete([2], { starts: [1] } as never), refused(/^MultiDiscrete: unknown option "starts"/));
      const edge = new MultiDiscrete([2], { start: [2 ** 31 - 2], seed: 1 });
      for (let k = 0; k < 10; k++) assert.ok(edge.contains(edge.sample()), 'the top of int32 samples inside');
    });

    it('Dict: no "__proto__" key (its samples, seeds and unflatten set their prototype instead: values not in the space), as spaceFromJSON refuses', () => {
      const spaces = JSON.parse('{"a": 0, "__proto__": 0}') as Record<string, unknown>; // an own "__proto__" key, as JSON.parse makes one
      spaces['a'] = new Discrete(2);
      spaces['__proto__'] = new Discrete(3);
      assert.deepEqual(Object.keys(spaces), ['a', '__proto__']);
      assert.throws(() => new Dict(spaces as Record<string, Space<unknown>>), refused(/^Dict: keys\[1\] = "__proto__" must be a string other than "__proto__"$/));
    });

    it('spaceFromJSON: every malformed field is a SpaceError naming its path (high "abc" gave a TypeError)', () => {
      assert.throws(() => spaceFromJSON({ type: 'Box', low: 0, high: 'abc', shape: [1], dtype: 'float32' }), refused(/^spaceFromJSON: \$\.high: expected a number or "Infinity"\/"-Infinity", got "abc"$/));
      assert.throws(() => spaceFromJSON({ type: 'Tuple', spaces: [{ type: 'Box', low: [0, 'x'], high: 1, shape: [2], dtype: 'float32' }] }), refused(/^spaceFromJSON: \$\.spaces\[0\]\.low\[1\]: expected a number/));
      assert.throws(() => spaceFromJSON({ type: 'Dict', keys: ['a'], spaces: [{ type: 'Box', low: 0, high: 1, shape: [1], dtype: 'int8' }] }), refused(/^spaceFromJSON: \$\.spaces\[0\]: Box: dtype must be 'float32' or 'float64', got "int8"$/));
      assert.throws(() => spaceFromJSON({ type: 'Discrete', n: 'x' }), refused(/^spaceFromJSON: \$: Discrete: n = "x" must be a positive integer/));
      assert.throws(() => spaceFromJSON({ type: 'Discrete', n: 2, seed: 1 }), refused(/^spaceFromJSON: \$ has unknown field "seed" \(a Discrete has n, start\)$/));
      assert.throws(() => spaceFromJSON({ type: 'MultiDiscrete', nvec: [2], start: [2 ** 31] }), refused(/^spaceFromJSON: \$: MultiDiscrete: element \[0\] takes/));
      assert.throws(() => spaceFromJSON({ type: 'Dict', keys: ['a', 'a'], spaces: [{ type: 'Discrete', n: 2 }, { type: 'Discrete', n: 3 }] }), refused(/^spaceFromJSON: \$\.keys\[1\] = "a" must be a string other than "__proto__", not given before$/));
      assert.throws(() => spaceFromJSON({ type: 'Dict', keys: ['a', '__proto__'], spaces: [{ type: 'Discrete', n: 2 }, { type: 'Discrete', n: 3 }] }), refused(/^spaceFromJSON: \$\.keys\[1\] = "__proto__" must be a string other than "__proto__"/));
      assert.throws(() => spaceFromJSON({ type: 'Tuple', spaces: 3 }), refused(/^spaceFromJSON: \$\.spaces must be an array, got 3$/));
      assert.throws(() => spaceFromJSON([]), refused(/^spaceFromJSON: \$ is \[\], expected a space object$/));
    });

    it('spaceFromJSON: nesting deeper than 64 Dicts or Tuples is a SpaceError naming the path (100,000 overflowed the call stack); 64 is taken', () => {
      const nested = (depth: number): object => {
        let json: object = { type: 'Discrete', n: 2 };
        for (let i = 0; i < depth; i++) json = i % 2 === 0 ? { type: 'Tuple', spaces: [json] } : { type: 'Dict', keys: ['a'], spaces: [json] };
        return json;
      };
      assert.ok(spaceFromJSON(nested(64)) instanceof Dict);
      assert.throws(() => spaceFromJSON(nested(65)), refused(/^spaceFromJSON: \$(\.spaces\[0\]){65} lies 65 Dicts or Tuples deep, more than the 64 taken$/));
      assert.throws(() => spaceFromJSON(nested(100_000)), refused(/^spaceFromJSON: \$(\.spaces\[0\]){65} lies 65 Dicts or Tuples deep/));
    });
  });

  it('unflatten rejects a non-one-hot Discrete block', () => {
    assert.throws(() => unflatten(new Discrete(3), [0, 1, 1]), /not one-hot/);
    assert.throws(() => unflatten(new Discrete(3), [0, 0, 0]), /all zeros/);
  });
});
