import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, EventFileWriter, maskedCrc32c, scalarsEvent, tfRecord } from '../../node/tfevents.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('node: TensorBoard event files', () => {
  it('CRC-32C gives the standard check value, and the TFRecord mask is rotate-15 plus 0xa282ead8', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
    const crc = 0xe3069283;
    assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });

  it('encodes a scalar Event as tensorflow.Event protobuf bytes (worked by hand)', () => {
    const expected = bytes(
      ...[0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f], // wall_time = 1.5 (field 1, double)
      ...[0x10, 0x83, 0x01], // step = 131 (field 2, varint)
      ...[0x2a, 0x0a], // summary (field 5), 10 bytes
      ...[0x0a, 0x08], //   value (field 1), 8 bytes
      ...[0x0a, 0x01, 0x61], //     tag = "a"
      ...[0x15, 0, 0, 0, 0x3f], //     simple_value = 0.5 (float)
    );
    assert.deepEqual(scalarsEvent(1.5, 131, { a: 0.5 }), expected);
  });

  it('frames a record as length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = bytes(1, 2, 3);
    const record = tfRecord(data);
    const view = new DataView(record.buffer);
    assert.equal(record.length, 8 + 4 + 3 + 4);
    assert.equal(view.getBigUint64(0, true), 3n);
    assert.equal(view.getUint32(8, true), maskedCrc32c(record.subarray(0, 8)));
    assert.deepEqual(record.subarray(12, 15), data);
    assert.equal(view.getUint32(15, true), maskedCrc32c(data));
  });

  it('writes a file TensorBoard names and opens, one record per add, a file version first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-tb-'));
    const writer = new EventFileWriter(dir, 1_700_000_000_000);
    writer.add(0, { 'charts/episodic_return': -12.5 }, 1_700_000_001);
    writer.add(64, { 'losses/value_loss': 0.25, 'charts/SPS': 900 }, 1_700_000_002);
    writer.close();
    writer.close();
    const [name] = readdirSync(dir);
    assert.match(name!, /^events\.out\.tfevents\.1700000000\./);
    const file = readFileSync(join(dir, name!));
    const lengths: number[] = [];
    for (let at = 0; at < file.length; ) {
      const length = Number(file.readBigUInt64LE(at));
      assert.equal(file.readUInt32LE(at + 8), maskedCrc32c(file.subarray(at, at + 8)));
      assert.equal(file.readUInt32LE(at + 12 + length), maskedCrc32c(file.subarray(at + 12, at + 12 + length)));
      lengths.push(length);
      at += 16 + length;
    }
    assert.equal(lengths.length, 3);
    assert.throws(() => writer.add(1, { a: 1 }), /is closed/);
  });

  it("reads back in TensorBoard's own loader (where python3 has tensorboard)", function () {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-tb-'));
    const writer = new EventFileWriter(dir);
    writer.add(0, { 'charts/episodic_return': -12.5, 'losses/value_loss': 0.25 }, 1000.5);
    writer.add(2 ** 40, { 'charts/episodic_return': 3 }, 1001);
    writer.close();
    const script = `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1]); acc.Reload()
print(json.dumps({tag: [[s.wall_time, s.step, s.value] for s in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}))
`;
    const result = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
    if (result.status !== 0 && /No module named 'tensorboard'|ENOENT/.test(`${result.stderr}${result.error?.message ?? ''}`)) {
      process.stderr.write('      (skipped: python3 with tensorboard is not available here)\n');
      this.skip();
    }
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      'charts/episodic_return': [
        [1000.5, 0, -12.5],
        [1001, 2 ** 40, 3],
      ],
      'losses/value_loss': [[1000.5, 0, 0.25]],
    });
  });
});
