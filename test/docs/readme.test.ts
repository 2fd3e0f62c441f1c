import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { readTree } from '../../lib/synth/synthesize-fleet';
import { REPO_ROOT, tempDir } from '../support/repo';

const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

describe('README', () => {
  test('its two commands are what CI runs, and they exist in package.json', () => {
    const block = /## Two commands\n+```sh\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
    const commands = block.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l);
    expect(commands).toEqual(['npm run setup', 'npm test']);
    const ci = fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8').split('\n').map((l) => l.trim());
    for (const command of commands) expect(ci).toContain(command);
    const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.setup).toBeDefined();
    expect(scripts.test).toContain('vitest run');
  });

  test('the TypeScript example runs and synthesizes its cluster', () => {
    const code = /```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(code).toBeDefined();
    const work = tempDir('kmods-readme-');
    const file = path.join(REPO_ROOT, 'test', 'docs', `.readme-example-${process.pid}.ts`);
    fs.writeFileSync(file, code!.replace(/from '(\.\/lib|cdk8s-kmods)'/g, "from '../../lib'").replace(/sha256:…/g, `sha256:${'0'.repeat(64)}`));
    try {
      const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), file], { cwd: work, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
    } finally {
      fs.rmSync(file, { force: true });
    }
    const files = [...readTree(path.join(work, 'dist')).keys()];
    expect(files).toContain('clusters/lab/kustomization.yaml');
    expect(files.some((f) => f.startsWith('clusters/lab/') && f.includes('_daemonset_kmods-demo-'))).toBe(true);
  });
});
