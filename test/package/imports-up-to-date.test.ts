import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/repo';
import { REPO_ROOT, sharedAvailable } from '../support/validate';

describe.skipIf(!sharedAvailable())('lib/imports (typed classes from cdk8s import)', () => {
  it('is what `cdk8s import` generates from the CRDs today (npm run import-crds)', () => {
    const out = tempDir('kmods-imports-');
    const cdk8sYaml = fs.readFileSync(path.join(REPO_ROOT, 'cdk8s.yaml'), 'utf8');
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'import-crds.mjs'), out], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    // cdk8s import records each import in ./cdk8s.yaml: the script runs it elsewhere.
    expect(fs.readFileSync(path.join(REPO_ROOT, 'cdk8s.yaml'), 'utf8')).toBe(cdk8sYaml);
    const committed = fs.readdirSync(path.join(REPO_ROOT, 'lib', 'imports')).sort();
    expect(fs.readdirSync(out).sort()).toEqual(committed);
    expect(committed.length).toBeGreaterThan(0);
    for (const file of committed) {
      expect(fs.readFileSync(path.join(out, file), 'utf8'), file).toBe(fs.readFileSync(path.join(REPO_ROOT, 'lib', 'imports', file), 'utf8'));
    }
  });
});
