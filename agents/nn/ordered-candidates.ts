/**
 * DROO's order-preserving quantisation (Huang, Bi and Zhang, IEEE TMC 2020), for a policy over
 * several discrete dimensions: a few joint actions near the policy's best, for a model to choose
 * among. Candidate 0 takes the best choice in every dimension; candidate k (k >= 1) differs from
 * it in one dimension only, the one with the k-th smallest margin (best score minus second best),
 * which takes its second-best choice. Scores are a network's per-choice outputs, where a higher
 * score is a better choice (PPO's logits, DQN's advantages), dimension d's `nvec[d]` in a row.
 */
export class OrderedCandidates {
  /** The candidates (0-based choice per dimension), valid up to the count {@link generate} returns. */
  readonly candidates: readonly Int32Array[];
  private readonly nvec: Int32Array;
  private readonly best: Int32Array;
  private readonly second: Int32Array;
  private readonly margin: Float64Array;
  private readonly order: Int32Array;

  /** Up to `count` (an integer >= 1) candidates over dimensions of `nvec[d]` choices. */
  constructor(nvec: ArrayLike<number>, count: number) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`OrderedCandidates: count must be an integer >= 1, got ${count}`);
    this.nvec = Int32Array.from(nvec);
    const D = this.nvec.length;
    this.candidates = Array.from({ length: count }, () => new Int32Array(D));
    this.best = new Int32Array(D);
    this.second = new Int32Array(D);
    this.margin = new Float64Array(D);
    this.order = new Int32Array(D);
  }

  /**
   * Fills {@link candidates} from the scores in `scores` from index `start` (dimension by
   * dimension) and returns how many there are: `count`, or fewer when fewer dimensions have a
   * second choice. Ties go to the lower choice and, among margins, to the lower dimension.
   */
  generate(scores: ArrayLike<number>, start: number): number {
    const { nvec, best, second, margin, order, candidates } = this;
    const D = nvec.length;
    let flippable = 0;
    let at = start;
    for (let d = 0; d < D; d++) {
      const n = nvec[d]!;
      let b = 0;
      let s = -1;
      for (let k = 1; k < n; k++) {
        const score = scores[at + k]!;
        if (score > scores[at + b]!) {
          s = b;
          b = k;
        } else if (s < 0 || score > scores[at + s]!) {
          s = k;
        }
      }
      best[d] = b;
      second[d] = s;
      if (s >= 0) {
        margin[d] = scores[at + b]! - scores[at + s]!;
        order[flippable++] = d;
      }
      at += n;
    }
    const count = Math.min(candidates.length, flippable + 1);
    // the count - 1 smallest margins, by selection: count is a handful, D up to a few hundred
    for (let i = 0; i < count - 1; i++) {
      let pick = i;
      for (let j = i + 1; j < flippable; j++) {
        const a = order[j]!;
        const p = order[pick]!;
        if (margin[a]! < margin[p]! || (margin[a] === margin[p] && a < p)) pick = j;
      }
      const swap = order[i]!;
      order[i] = order[pick]!;
      order[pick] = swap;
    }
    candidates[0]!.set(best);
    for (let k = 1; k < count; k++) {
      const candidate = candidates[k]!;
      candidate.set(best);
      const d = order[k - 1]!;
      candidate[d] = second[d]!;
    }
    return count;
  }
}
