/**
 * Energy terms of one slot (J), dynamic CMOS power model kappa f^3 over the busy time
 * (docs/MODEL.md, "Energy").
 */

/**
 * Energy (J) of `work` FLOPs on a CPU at `freq` cycles/s: kappa (W / phi) f^2 (cycles x energy per cycle).
 * Gateway compute energy and AP inference energy.
 */
export function computeEnergy(kappa: number, work: number, flopsPerCycle: number, freq: number): number {
  if (work <= 0) return 0;
  return kappa * (work / flopsPerCycle) * freq * freq;
}

/** Transmit energy (J): p tau^tx. */
export function transmitEnergy(txPower: number, txTime: number): number {
  if (txTime <= 0) return 0;
  return txPower * txTime;
}

/** Mining energy (J) of an AP mining at `miningFreq` until the block is found: kappa (f^bloc)^3 tau^bloc. */
export function miningEnergy(kappa: number, miningFreq: number, blockTime: number): number {
  if (miningFreq <= 0) return 0;
  return kappa * miningFreq * miningFreq * miningFreq * blockTime;
}

/** How far `energy` exceeds `budget` (J); 0 when the budget is met (C4, C5). */
export function budgetExcess(energy: number, budget: number): number {
  return energy > budget ? energy - budget : 0;
}
