/** Energy budgets per slot (J): constant, or uniform on [min, max] (a simple harvesting model). */
import { assertNever } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { PerNodeProcess } from './scenario/compile.ts';

/** One slot's budgets of `process` into `out`; one draw from `rng` per node whatever the kind. */
export function sampleBudgets(process: PerNodeProcess, rng: Rng, out: Float64Array): void {
  switch (process.kind) {
    case 'constant': {
      const value = process.value;
      // a draw per node, unused: the gateways' and the APs' budgets share one stream, so changing
      // one side's kind must leave the other side's draws where they were
      for (let i = 0; i < out.length; i++) {
        out[i] = value[i]!; // not set(): a builtin call costs more for short arrays
        rng();
      }
      return;
    }
    case 'uniform': {
      const { min, max } = process;
      for (let i = 0; i < out.length; i++) out[i] = min[i]! + (max[i]! - min[i]!) * rng();
      return;
    }
    default:
      assertNever(process, 'sampleBudgets: budget kind');
  }
}
