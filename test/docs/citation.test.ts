import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('CITATION.cff', () => {
  const citation = read('CITATION.cff');

  it("cites this version of the package (package.json's), so a release cannot cite the last one", () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    assert.equal(/^version: (.+)$/m.exec(citation)?.[1], version);
  });

  it('references the letter the README names, by the same DOI', () => {
    const doi = /^ {4}doi: (.+)$/m.exec(citation)?.[1];
    assert.equal(doi, '10.1007/s11432-024-4159-2');
    assert.ok(read('README.md').includes(`https://doi.org/${doi}`), 'the README links the DOI');
  });
});
