import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../lib/cli/commands';
import { kmods, REPO_ROOT, unknownKernelInventory } from './support/run-cli';

describe('kmods dispatcher', () => {
  it('lists every command in --help and prints each command\'s own --help', () => {
    const table = commands();
    expect(table.map((c) => c.name)).toEqual(['init', 'release import', 'check', 'plan']);
    const top = kmods(['--help']);
    expect(top.code).toBe(0);
    for (const c of table) {
      expect(top.stdout).toContain(`  ${c.name}`);
      const help = kmods([...c.name.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toBe(c.usage);
      expect(help.stdout).toMatch(/^Usage: kmods /);
      expect(help.stdout).toContain('Exit codes:');
    }
  });

  it('usage errors exit 2 and say how to get help', () => {
    expect(kmods([]).code).toBe(2);
    const unknown = kmods(['deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('kmods: unknown command "deploy"');
    const release = kmods(['release', 'export']);
    expect(release.code).toBe(2);
    const option = kmods(['plan', '--base']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('Run "kmods plan --help" for usage.');
  });

  it('a broken fleet file exits 3 naming file position and field', () => {
    const run = kmods(['check', '--fleet', path.join(REPO_ROOT, 'test', 'cli', 'fixtures', 'README.md')]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^kmods check: invalid fleet/);
    const missing = kmods(['check', '--fleet', 'no/such/fleet.yaml']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('kmods check: cannot read fleet file no/such/fleet.yaml: ENOENT\n');
  });

  it('the package bin (compiled lib/cli/main.ts) and the in-repo bin/kmods.js run the same CLI with its exit code', () => {
    const pkg = require(path.join(REPO_ROOT, 'package.json'));
    // The package ships the compiled CLI (npm run build: lib/ → build/); in the repository, bin/kmods.js runs the source.
    expect(pkg.bin).toEqual({ kmods: 'build/cli/main.js' });
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'kmods.js'), 'check', '--cluster', 'gpu-staging', '--nodes',
      unknownKernelInventory()], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL node rt-1');
  });
});
