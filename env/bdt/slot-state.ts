/** Allocation and copying of the per-slot exogenous state. */
import type { BdtSystem, SlotState } from './system.ts';

/** A SlotState whose scalar draws can be written (the arrays are always writable). */
export type MutableSlotState = { -readonly [K in keyof SlotState]: SlotState[K] };

/** A zeroed slot state sized for `system`. */
export function createSlotState(system: BdtSystem): MutableSlotState {
  return {
    arrivals: new Float64Array(system.N),
    gain: new Float64Array(system.M),
    gatewayBudget: new Float64Array(system.M),
    apBudget: new Float64Array(system.J),
    raceDraw: 0,
    winnerDraw: 0,
  };
}

/** Copy `from` into `to` (same sizes). */
export function copySlotState(from: SlotState, to: MutableSlotState): MutableSlotState {
  to.arrivals.set(from.arrivals);
  to.gain.set(from.gain);
  to.gatewayBudget.set(from.gatewayBudget);
  to.apBudget.set(from.apBudget);
  to.raceDraw = from.raceDraw;
  to.winnerDraw = from.winnerDraw;
  return to;
}
