/**
 * The networks live trainers hold (a PpoTrainer's `policy`, a DqnTrainer's `qNetwork`). An agent
 * made over one of them borrows it unless told otherwise, so disposing the agent (compareAgents
 * disposes every agent) cannot free a network a trainer goes on training.
 */
const held = new WeakSet<object>();

/** Marks `network` as held by a trainer until {@link releaseNetwork}. */
export function holdNetwork(network: object): void {
  held.add(network);
}

/** The trainer that held `network` freed it (or let it go). */
export function releaseNetwork(network: object): void {
  held.delete(network);
}

/** Whether a live trainer holds `network`. */
export function isHeldByTrainer(network: object): boolean {
  return held.has(network);
}
