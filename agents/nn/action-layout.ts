/**
 * The map between an env's action space and a network's flat action representation: discrete
 * dimensions as 0-based indices (Discrete -> 1, MultiDiscrete(nvec) -> nvec.length) and continuous
 * dimensions as floats, in the space's order (Dict keys in their documented order).
 *
 * Bounded Box dimensions are represented in [-1, 1] on the network side and mapped affinely to
 * [low, high] (RescaleAction + ClipAction, as SB3 advises for Gaussian policies); unbounded ones
 * pass through unchanged.
 */
import { Box } from '../../env/spaces/box.ts';
import { Dict } from '../../env/spaces/dict.ts';
import { Discrete } from '../../env/spaces/discrete.ts';
import { MultiDiscrete } from '../../env/spaces/multi-discrete.ts';
import type { Space } from '../../env/spaces/space.ts';

type Leaf =
  | { readonly kind: 'discrete'; readonly space: Discrete; readonly discreteOffset: number }
  | { readonly kind: 'multi-discrete'; readonly space: MultiDiscrete; readonly discreteOffset: number }
  | { readonly kind: 'box'; readonly space: Box<Float32Array | Float64Array>; readonly continuousOffset: number };

type Node = { readonly key: undefined; readonly leaf: Leaf } | { readonly key: 'dict'; readonly space: Dict; readonly children: ReadonlyArray<readonly [string, Node]> };

/**
 * Maps an env's action space to a network's flat action: discrete dimensions as 0-based indices,
 * continuous ones as floats, bounded Box dimensions rescaled from [-1, 1] to [low, high].
 */
export class ActionLayout {
  readonly space: Space<unknown>;
  /** Choices per discrete dimension. */
  readonly nvec: Int32Array;
  /** Number of continuous dimensions. */
  readonly continuousDims: number;
  /** Lower / upper bound per continuous dimension (env units). */
  readonly low: Float64Array;
  readonly high: Float64Array;
  /** Each continuous dimension as an error names it: its Dict key path and flat index (`inferenceShare[0]`), `action[i]` for a Box space. */
  readonly continuousNames: readonly string[];
  private readonly root: Node;

  constructor(space: Space<unknown>) {
    this.space = space;
    const nvec: number[] = [];
    const low: number[] = [];
    const high: number[] = [];
    const names: string[] = [];
    const build = (s: Space<unknown>, path: string): Node => {
      if (s instanceof Discrete) {
        nvec.push(s.n);
        return { key: undefined, leaf: { kind: 'discrete', space: s, discreteOffset: nvec.length - 1 } };
      }
      if (s instanceof MultiDiscrete) {
        const offset = nvec.length;
        nvec.push(...s.nvec);
        return { key: undefined, leaf: { kind: 'multi-discrete', space: s, discreteOffset: offset } };
      }
      if (s instanceof Box) {
        const offset = low.length;
        for (let i = 0; i < s.low.length; i++) names.push(`${path.slice(1) || 'action'}[${i}]`);
        low.push(...s.low);
        high.push(...s.high);
        return { key: undefined, leaf: { kind: 'box', space: s as Box<Float32Array | Float64Array>, continuousOffset: offset } };
      }
      if (s instanceof Dict) {
        return { key: 'dict', space: s, children: s.keys.map((k) => [k, build(s.spaces[k]!, `${path}.${k}`)] as const) };
      }
      throw new Error(`action space ${path || '(root)'} is ${s.toString()}; learned agents support Discrete, MultiDiscrete, Box and Dict of them`);
    };
    this.root = build(space, '');
    this.nvec = Int32Array.from(nvec);
    this.continuousDims = low.length;
    this.low = Float64Array.from(low);
    this.high = Float64Array.from(high);
    this.continuousNames = names;
  }

  /** Number of discrete dimensions (Discrete counts 1, MultiDiscrete `nvec.length`). */
  get discreteDims(): number {
    return this.nvec.length;
  }

  /** Whether continuous dimension c is bounded on both sides (and so rescaled from [-1, 1]). */
  isBounded(c: number): boolean {
    return Number.isFinite(this.low[c]) && Number.isFinite(this.high[c]);
  }

  /**
   * The env action for row `row` of the network-side arrays (`discrete` `[*, D]` indices,
   * `continuous` `[*, C]`, unclipped), clipping continuous values into the box.
   */
  toEnv(discrete: Int32Array, continuous: Float32Array, row: number): unknown {
    const D = this.discreteDims;
    const C = this.continuousDims;
    const leafAction = (leaf: Leaf): unknown => {
      switch (leaf.kind) {
        case 'discrete':
          return leaf.space.start + discrete[row * D + leaf.discreteOffset]!;
        case 'multi-discrete': {
          const out = new Int32Array(leaf.space.nvec.length);
          for (let i = 0; i < out.length; i++) out[i] = leaf.space.start[i]! + discrete[row * D + leaf.discreteOffset + i]!;
          return out;
        }
        case 'box': {
          const out = leaf.space.zeros();
          for (let i = 0; i < out.length; i++) out[i] = this.continuousToEnv(leaf.continuousOffset + i, continuous[row * C + leaf.continuousOffset + i]!);
          return out;
        }
      }
    };
    const walk = (node: Node): unknown => {
      if (node.key === undefined) return leafAction(node.leaf);
      const out: Record<string, unknown> = {};
      for (const [k, child] of node.children) out[k] = walk(child);
      return out;
    };
    return walk(this.root);
  }

  /** Continuous dimension c's network value in env units, clipped to the box. */
  continuousToEnv(c: number, value: number): number {
    const lo = this.low[c]!;
    const hi = this.high[c]!;
    let v = value;
    if (this.isBounded(c)) {
      const z = value > 1 ? 1 : value < -1 ? -1 : value;
      // Clipped again below: the affine map can round one ulp past a bound (Box(-1, 0.3,
      // float64) got 0.30000000000000004, which the env refuses).
      v = lo + ((z + 1) / 2) * (hi - lo);
    }
    return v > hi ? hi : v < lo ? lo : v;
  }

  /** Plain description for checkpoints: the discrete sizes and continuous bounds. */
  describe(): { nvec: number[]; continuousDims: number } {
    return { nvec: Array.from(this.nvec), continuousDims: this.continuousDims };
  }
}
