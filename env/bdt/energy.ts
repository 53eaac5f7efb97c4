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
  const energy = kappa * miningFreq * miningFreq * miningFreq * blockTime;
  // a frequency so small (about 1e-299 Hz) that tau^bloc = 1 / sum lambda overflows to Infinity
  // has sent kappa f^3 to 0 long before: 0 * Infinity. The true value, at most kappa f^2 gamma W_0,
  // is below the smallest double: 0, not a NaN that no budget comparison would flag.
  return energy === energy ? energy : 0;
}

/** How far `energy` exceeds `budget` (J); 0 when the budget is met (C4, C5). */
export function budgetExcess(energy: number, budget: number): number {
  return energy > budget ? energy - budget : 0;
}
