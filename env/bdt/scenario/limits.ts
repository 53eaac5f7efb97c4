/**
 * Physical quantities are bounded far beyond any real device, so that every product the model
 * forms stays finite and non-zero where it divides: a value like 1e308 Hz or 1e-300 W would
 * otherwise turn energies and rewards into Infinity or NaN instead of being refused here with
 * its path.
 */
export const LIMIT = {
  freq: [1, 1e12], // cycles/s (up to 1 THz)
  flopsPerCycle: [1e-6, 1e6], // FLOP/cycle
  kappa: [1e-40, 1e-18], // J s^2/cycle^3 (real chips: 1e-28 to 1e-26)
  txPower: [1e-9, 1e3], // W
  bandwidth: [1, 1e12], // Hz
  noiseDbmPerHz: [-300, 0], // dBm/Hz (thermal noise at 290 K: -174)
  distance: [1e-2, 1e7], // m
  arrivals: 1e6, // data points per slot per device
  energy: 1e12, // J per slot
  minEnergy: 1e-9, // J per slot: the least positive budget (energies of subnormal size underflow to 0)
  flops: 1e18, // FLOP (per data point of a unit; O_ref)
  bits: 1e15, // bits per data point
  difficulty: 100, // alpha (>= 0 by the schema), |beta| (dimensionless): exp(+-100) keeps gamma finite and non-zero
  puzzleCycles: [1, 1e24], // cycles
  referenceWork: [1, 1e18], // FLOP (O_ref)
  V: 1e12, // 1/s
  nodes: 1e6, // devices, gateways or APs of a drawn topology
  slots: 1e9, // slots of an episode
  latencyCap: 1e9, // s
  energyPenalty: 1e12, // 1/J
} as const;
