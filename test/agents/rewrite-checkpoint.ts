/**
 * Test helper: edits a checkpoint in place (its manifest, or any file) and recomputes the
 * checksums (the manifest's own too), so the corruption gets past the checksum checks to the
 * check under test.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A manifest as parsed JSON, to be corrupted freely. */
export type RawManifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any JSON

/** Edits the manifest of the checkpoint in `dir` (after any file edits), then recomputes the checksums. */
export function rewriteCheckpoint(dir: string, edit: (manifest: RawManifest) => void = () => {}): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as RawManifest;
  edit(manifest);
  const files = manifest['files'] as Record<string, string>;
  for (const file of Object.keys(files)) {
    if (!file.includes('..') && existsSync(join(dir, file))) files[file] = createHash('sha256').update(readFileSync(join(dir, file))).digest('hex');
  }
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  // the manifest's own checksum (checkpoints saved before it was kept have none)
  const checksum = join(dir, 'manifest.sha256');
  if (existsSync(checksum)) writeFileSync(checksum, `${createHash('sha256').update(readFileSync(path)).digest('hex')}  manifest.json\n`);
}

/** Overwrites the Float32 value at element `index` of `file`. */
export function setFloat32(file: string, index: number, value: number): void {
  const bytes = readFileSync(file);
  bytes.writeFloatLE(value, index * 4);
  writeFileSync(file, bytes);
}
