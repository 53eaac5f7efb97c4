/**
 * The warnings this process printed, so that one a `--jobs` worker thread forwards is printed
 * once, as one thread prints it: a once-per-process warning (a DNN's ignored name, a policy acting
 * as a transfer) would otherwise print again from the main thread and from every worker.
 */
import { setWarningHandler, warn } from '../env/core/logger.ts';

/** Distinct messages remembered at most (a flood of distinct warnings is printed, not kept). */
const MAX_REMEMBERED = 1000;
const printed = new Set<string>();

function remember(message: string): void {
  if (printed.size < MAX_REMEMBERED) printed.add(message);
}

/** From now on, every warning printed through env/core/logger.ts is remembered. */
export function rememberPrintedWarnings(): void {
  const print = setWarningHandler((message) => {
    remember(message);
    print(message);
  });
}

/** A warning a worker thread forwarded: printed unless this process printed it already. */
export function warnOnce(message: string): void {
  if (printed.has(message)) return;
  remember(message);
  warn(message);
}
