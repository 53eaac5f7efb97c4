/**
 * Training metrics, named as CleanRL's TensorBoard tags (`charts/episodic_return`,
 * `losses/value_loss`, ...), published by trainers as an rxjs Observable and written by the CLI
 * as JSON lines `{"step": ..., "<tag>": value, ...}`.
 */

/** Values of several tags at one global step (env steps so far). */
export interface MetricRecord {
  readonly step: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The JSON-lines form of a record. */
export function metricRecordToJsonLine(record: MetricRecord): string {
  return JSON.stringify({ step: record.step, ...record.metrics });
}
