/**
 * Warnings (gymnasium.logger.warn): env smells that are not contract breaks. Routed through one
 * replaceable handler so tests and the CLI can capture them; the default writes to the console.
 */

/** Receives each warning message. */
export type WarningHandler = (message: string) => void;

const consoleHandler: WarningHandler = (message) => console.warn(`bdt-gym WARN: ${message}`);
let handler: WarningHandler = consoleHandler;

/** Report a warning through the current handler. */
export function warn(message: string): void {
  handler(message);
}

/** Install `next` as the warning handler (the console one when omitted); returns the previous. */
export function setWarningHandler(next?: WarningHandler): WarningHandler {
  const previous = handler;
  handler = next ?? consoleHandler;
  return previous;
}

/** Runs `fn` collecting its warnings instead of printing them. */
export function captureWarnings<R>(fn: () => R): { result: R; warnings: string[] } {
  const warnings: string[] = [];
  const previous = setWarningHandler((m) => warnings.push(m));
  try {
    return { result: fn(), warnings };
  } finally {
    setWarningHandler(previous);
  }
}
