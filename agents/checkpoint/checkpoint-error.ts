/** The error for any unreadable, corrupted or mismatched checkpoint (its own module, so reporting it loads no TensorFlow.js). */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
