/**
 * Latency terms of one slot (docs/MODEL.md, "Latency"). Pure scalar functions; the
 * per-gateway loops live in slot.ts.
 *
 * A zero resource with positive work gives `Infinity` (the work never finishes), never NaN;
 * zero work always takes zero time.
 */

/** Compute time (s) of `work` FLOPs at `freq` cycles/s and `flopsPerCycle`: W / (phi f). Gateway tau_m^G and AP tau_m^A. */
export function computeTime(work: number, flopsPerCycle: number, freq: number): number {
  if (work <= 0) return 0;
  // + 0 makes a frequency of -0 (a share of -0 passes `share >= 0`) +0: W / -0 would be -Infinity,
  // work finished before it started, where a zero frequency never finishes it (+Infinity)
  return work / (flopsPerCycle * freq + 0);
}

/**
 * Shannon uplink rate (bit/s) [reconstructed]: r = B log2(1 + p g / (N0 B)).
 * @param bandwidth B (Hz) @param txPower p (W) @param gain g (linear) @param noisePsd N0 (W/Hz)
 */
export function uplinkRate(bandwidth: number, txPower: number, gain: number, noisePsd: number): number {
  const snr = (txPower * gain) / (noisePsd * bandwidth);
  // 1 + snr drops the digits of a tiny SNR, and below 1e-16 rounds to 1: a rate of 0, an endless
  // transmission and infinite energy; log1p keeps them (from 1e-10 up the rate is computed as before)
  return bandwidth * (snr < 1e-10 ? Math.log1p(snr) / Math.LN2 : Math.log2(1 + snr));
}

/** Transmission time (s) of `bits` at `rate` bit/s: tau^tx = S / r. */
export function transmitTime(bits: number, rate: number): number {
  if (bits <= 0) return 0;
  return bits / rate;
}
