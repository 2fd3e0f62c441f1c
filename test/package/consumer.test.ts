/**
 * The package as a user gets it: `npm pack`, then a project created from zero with the packed
 * CLI (`npx -p cdk8s-kmods kmods init`), laid out like `cdk8s init typescript-app` (its
 * tsconfig: target ES2017, lib es2016, CommonJS, no skipLibCheck; `app: npx ts-node main.ts`),
 * installed from the npm registry (the local npm cache first), synthesized with the real
 * `cdk8s synth`, compiled with the template's `tsc --build`, and a TypeScript-API program run.
 * Every object it writes is validated with the schema harness (test/support).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CDK8S_TYPESCRIPT_APP_TSCONFIG } from '../../lib/cli/init-template';
import { tempDir } from '../support/repo';
import { loadDistObjects, REPO_ROOT, sharedAvailable, validateManifest } from '../support/validate';
import { ESM_CHECK_MJS, TYPED_APP_TS } from './consumer-app';

/** The environment without npm's own `npm_*` variables (set when the suite runs under `npm test`). */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

function run(cmd: string, args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: { ...cleanEnv, CI: 'true' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function listFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

describe.skipIf(!sharedAvailable())('the npm package in a project created from zero', () => {
  const work = tempDir('kmods-consumer-');
  const app = path.join(work, 'gpu-fleet');
  let tarball = '';
  let packed: string[] = [];

  beforeAll(() => {
    const out = run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], REPO_ROOT).stdout.trim().split('\n');
    tarball = path.join(work, out[out.length - 1]);
    packed = run('tar', ['tzf', tarball], work).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    run('npm', ['exec', '--yes', ...NPM_FLAGS, `--package=file:${tarball}`, '--', 'kmods', 'init', 'gpu-fleet', '--library', `file:${tarball}`], work);
    run('npm', ['install', ...NPM_FLAGS], app);
  }, 600_000);

  it('ships compiled JavaScript, declarations, the Lua health checks, the schema and the CLI; no sources, tests, dist or bench', () => {
    expect(packed).toEqual(expect.arrayContaining([
      'package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'schema/fleet.schema.json',
      'build/index.js', 'build/index.d.ts', 'build/cli/main.js', 'build/gitops/health-checks/machine-config-pool.lua',
      // The worker thread script of parallel rendering (lib/synth/render-pool.ts starts it by path).
      'build/synth/render-worker.js',
    ]));
    const unexpected = packed.filter((f) => !/^(build\/.*\.(js|d\.ts|lua)|schema\/fleet\.schema\.json|package\.json|LICENSE|README\.md|CHANGELOG\.md)$/.test(f));
    expect(unexpected).toEqual([]);
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'cdk8s-kmods', 'package.json'), 'utf8'));
    expect(installed.peerDependencies).toEqual(pkg.peerDependencies);
    expect(installed.dependencies.cdk8s).toBeUndefined();
  });

  it('kmods init wrote the project laid out like cdk8s init typescript-app, plus fleet.yaml and CI', () => {
    expect(listFiles(app).filter((f) => !f.startsWith('node_modules'))).toEqual(
      ['.github/workflows/kmods.yaml', '.gitignore', 'cdk8s.yaml', 'fleet.yaml', 'main.ts', 'package-lock.json', 'package.json', 'tsconfig.json']);
    expect(JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf8'))).toEqual(CDK8S_TYPESCRIPT_APP_TSCONFIG);
    expect(fs.readFileSync(path.join(app, 'cdk8s.yaml'), 'utf8')).toMatch(/^app: npx ts-node main\.ts$/m);
    // The packed CLI is on the project's PATH and is this version.
    expect(run('npx', ['--no-install', 'kmods', '--version'], app).stdout.trim()).toBe(pkg.version);
  });

  it('synthesizes on the first try with cdk8s synth, every object valid', () => {
    run('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], app);
    const objects = loadDistObjects(path.join(app, 'dist'));
    expect(objects.map((o) => o.obj.kind)).toEqual(expect.arrayContaining(['MachineConfigPool', 'DaemonSet', 'BuildConfig', 'Namespace']));
    for (const { file, obj } of objects) expect(validateManifest(obj), file).toEqual([]);
    const kustomization = fs.readFileSync(path.join(app, 'dist', 'clusters', 'my-cluster', 'kustomization.yaml'), 'utf8');
    for (const { file } of objects) expect(kustomization).toContain(`- ${path.basename(file)}`);
    expect(fs.existsSync(path.join(app, '.cdk8s.out', 'synth-report.yaml'))).toBe(true);
  });

  it('compiles with the template\'s tsc settings and runs the TypeScript API with the user\'s own objects', () => {
    fs.writeFileSync(path.join(app, 'typed.ts'), TYPED_APP_TS);
    run('npm', ['run', 'compile', '--silent'], app);
    run('node', ['typed.js'], app);
    const objects = loadDistObjects(path.join(app, 'dist-typed'));
    expect(objects.length).toBeGreaterThan(5);
    for (const { file, obj } of objects.filter((o) => o.obj.kind !== 'GpuBudget')) expect(validateManifest(obj), file).toEqual([]);
    const files = objects.map((o) => o.file);
    expect(files).toEqual(expect.arrayContaining([
      'clusters/gpu-lab/clusterpolicy_gpu-cluster-policy.yaml',
      'clusters/gpu-lab/kubeletconfig_gpu-max-pods.yaml',
      'clusters/gpu-lab/kmods-system_gpubudget_lab.yaml',
    ]));
    const budget = objects.find((o) => o.obj.kind === 'GpuBudget')!.obj;
    expect(budget.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('7');
  });

  it('loads from an ES module too, with the fleet schema as a subpath export', () => {
    fs.writeFileSync(path.join(app, 'esm-check.mjs'), ESM_CHECK_MJS);
    expect(run('node', ['esm-check.mjs'], app).stdout.trim()).toBe('cdk8s-kmods fleet');
  });
});
