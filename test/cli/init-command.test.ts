import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CliIo } from '../../lib/cli/cli-io';
import { runCli } from '../../lib/cli/main';
import { loadFleetFile } from '../../lib/fleet-file/fleet-file';
import { renderFleet } from '../../lib/synth/render-fleet';
import { tempDir } from '../support/repo';

function io(cwd: string): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { cwd, lines, errors, env: {}, readStdin: () => '', stdout: (l) => { lines.push(l); }, stderr: (l) => { errors.push(l); } };
}

describe('kmods init', () => {
  it('writes the project files; its fleet.yaml loads and renders, and package.json depends on the peers', () => {
    const cwd = tempDir('kmods-init-');
    const out = io(cwd);
    expect(runCli(['init', 'my-fleet', '--cluster', 'gpu-lab'], out)).toBe(0);
    const dir = path.join(cwd, 'my-fleet');
    const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
    expect(files).toEqual(['.github/workflows/kmods.yaml', '.gitignore', 'cdk8s.yaml', 'fleet.yaml', 'main.ts', 'package.json', 'tsconfig.json']);
    const rendered = renderFleet(loadFleetFile(path.join(dir, 'fleet.yaml')));
    expect([...rendered.clusters.keys()]).toEqual(['gpu-lab']);
    const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-fleet');
    expect(pkg.dependencies).toEqual({ 'cdk8s-kmods': `^${own.version}`, ...own.peerDependencies });
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['cdk8s-cli', 'ts-node', 'typescript']));
    const ci = parse(fs.readFileSync(path.join(dir, '.github/workflows/kmods.yaml'), 'utf8'));
    expect(ci.jobs.synth.steps.map((s: any) => s.run).filter(Boolean)).toEqual(
      ['npm ci', 'npx cdk8s synth --no-check-upgrade', 'git add --intent-to-add dist && git diff --exit-code -- dist']);
    expect(out.lines.join('\n')).toContain('npm install && npx cdk8s synth');
  });

  it('never overwrites: with any target file present it writes nothing and names the file', () => {
    const cwd = tempDir('kmods-init-');
    fs.writeFileSync(path.join(cwd, 'fleet.yaml'), 'mine\n');
    const out = io(cwd);
    expect(runCli(['init'], out)).toBe(1);
    expect(out.errors.join('\n')).toMatch(/already has fleet\.yaml; nothing was written/);
    expect(fs.readdirSync(cwd)).toEqual(['fleet.yaml']);
    expect(fs.readFileSync(path.join(cwd, 'fleet.yaml'), 'utf8')).toBe('mine\n');
  });

  it('refuses hostile names and arguments with exit code 2 before writing anything', () => {
    const cwd = tempDir('kmods-init-');
    for (const args of [
      ['init', '--cluster', 'x; rm -rf /'],
      ['init', '--cluster', 'Upper'],
      ['init', 'Bad Name'],
      ['init', '--name', '../escape'],
      ['init', '--library', 'file:x" && evil'],
      ['init', 'a', 'b'],
      ['init', '--unknown'],
    ]) {
      const out = io(cwd);
      expect(runCli(args, out), args.join(' ')).toBe(2);
      expect(out.errors.join('\n')).toMatch(/^kmods init: [\s\S]*Run "kmods init --help" for usage\./);
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('kmods without a known command lists the commands', () => {
    const out = io(tempDir('kmods-cli-'));
    expect(runCli(['frobnicate'], out)).toBe(2);
    expect(out.errors.join()).toMatch(/unknown command "frobnicate"[\s\S]*Commands:[\s\S]*\binit\b/);
    expect(runCli(['--help'], out)).toBe(0);
    expect(out.lines.join('\n')).toMatch(/init\s+write a new fleet project/);
  });
});
