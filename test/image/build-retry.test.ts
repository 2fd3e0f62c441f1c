/**
 * Builds that recover, driven through the generated objects: the lab cluster's retry CronJob and
 * its script (as synthesized into dist/) run against a model of `oc` (support/fake-oc.ts) on a
 * sequence of build states, with the clock set by a `date` stand-in; after each run the
 * BuildConfig is judged by the generated Argo CD health check (Lua 5.1) and the Flux CEL
 * expressions, as the GitOps engines would.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { Fleet } from '../../lib/fleet/fleet';
import { HEALTH_CHECKS, luaSource } from '../../lib/gitops/health-checks/health-checks';
import { BUILD_RETRY_NAME } from '../../lib/image/build-retry';
import { BUILD_RETRY_SCRIPT } from '../../lib/image/build-retry-script';
import { ModuleBuilds } from '../../lib/image/module-builds';
import { ModuleSource } from '../../lib/module/module-source';
import { toLuaLiteral } from '../gitops/lua-table';
import { REPO_ROOT, tempDir } from '../support/repo';
import { loadDistObjects } from '../support/validate';
import { FAKE_OC, FakeBuild, FakeOcState } from './support/fake-oc';

const CI = process.env.CI === 'true';
const have = (tool: string, args: string[]): boolean => spawnSync(tool, args).status === 0;
const missing = [...(have('lua5.1', ['-v']) ? [] : ['lua5.1']), ...(have('shellcheck', ['--version']) ? [] : ['shellcheck'])];

const LAB = loadDistObjects(path.join(REPO_ROOT, 'dist')).filter((o) => o.file.startsWith('clusters/lab/')).map((o) => o.obj as any);
const CRONJOB = LAB.find((o) => o.kind === 'CronJob' && o.metadata.name === BUILD_RETRY_NAME);
const SCRIPT_CM = LAB.find((o) => o.kind === 'ConfigMap' && o.metadata.name === BUILD_RETRY_NAME);
const BUILD_CONFIG = LAB.find((o) => o.kind === 'BuildConfig');

const work = tempDir('kmods-retry-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** One run of the CronJob's container: its command, env and mounted script, with `oc` and `date` stand-ins. */
function runRetryJob(state: FakeOcState, now: Date): { state: FakeOcState; stderr: string; status: number | null } {
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'oc'), FAKE_OC, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'date'), '#!/bin/sh\ncase " $* " in *" -d "*) exec /bin/date "$@" ;; esac\necho "$FAKE_NOW"\n', { mode: 0o755 });
  const container = CRONJOB.spec.jobTemplate.spec.template.spec.containers[0];
  const mount = container.volumeMounts[0];
  const scriptFile = container.command[1];
  expect(scriptFile.startsWith(`${mount.mountPath}/`)).toBe(true);
  const script = path.join(work, path.basename(scriptFile));
  fs.writeFileSync(script, SCRIPT_CM.data[path.basename(scriptFile)]);
  const stateFile = path.join(work, 'state.json');
  fs.writeFileSync(stateFile, JSON.stringify(state));
  const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  const run = spawnSync(container.command[0], [script], {
    env: { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_OC_STATE: stateFile, FAKE_NOW: String(Math.floor(now.getTime() / 1000)) },
    encoding: 'utf8',
  });
  return { state: JSON.parse(fs.readFileSync(stateFile, 'utf8')), stderr: run.stderr, status: run.status };
}

/** The BuildConfig as the API server would return it: the generated object plus the live status and annotations. */
function liveBuildConfig(state: FakeOcState): any {
  const live = state.buildConfigs[BUILD_CONFIG.metadata.name];
  return {
    ...BUILD_CONFIG,
    metadata: { ...BUILD_CONFIG.metadata, annotations: { ...BUILD_CONFIG.metadata.annotations, ...live.annotations } },
    status: { lastVersion: live.lastVersion },
  };
}

function argoHealth(obj: any): { status: string; message: string } {
  const check = HEALTH_CHECKS.find((c) => c.kind === 'BuildConfig')!;
  const file = path.join(work, 'build-config.lua');
  fs.writeFileSync(file, luaSource(check));
  const harness = path.join(work, 'run.lua');
  fs.writeFileSync(harness, `obj = ${toLuaLiteral(obj)}\nlocal hs = dofile(${JSON.stringify(file)})\nio.write(hs.status, "\\t", hs.message)`);
  const run = spawnSync('lua5.1', [harness], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  const [status, message] = run.stdout.split('\t');
  return { status, message };
}

function fluxHealth(obj: any): string {
  const exprs = HEALTH_CHECKS.find((c) => c.kind === 'BuildConfig')!.flux!;
  if (evaluate(exprs.inProgress, obj)) return 'InProgress';
  if (exprs.failed && evaluate(exprs.failed, obj)) return 'Failed';
  return evaluate(exprs.current, obj) ? 'Current' : 'Unknown';
}

const T0 = new Date('2026-12-02T08:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function initialState(first: FakeBuild): FakeOcState {
  return {
    buildConfigs: { [BUILD_CONFIG.metadata.name]: { lastVersion: 1, labels: BUILD_CONFIG.metadata.labels, annotations: {} } },
    builds: { [`${BUILD_CONFIG.metadata.name}-1`]: first },
    calls: [],
  };
}

const startBuilds = (s: FakeOcState): number => s.calls.filter((c) => c[0] === 'start-build').length;

describe('the generated retry objects', () => {
  test('the lab cluster has a BuildConfig, the retry CronJob and its script', () => {
    expect(BUILD_CONFIG).toBeDefined();
    expect(CRONJOB.spec.concurrencyPolicy).toBe('Forbid');
    expect(SCRIPT_CM.data['kmods-build-retry.sh']).toBe(BUILD_RETRY_SCRIPT);
    expect(CRONJOB.spec.jobTemplate.spec.template.spec.serviceAccountName).toBe(BUILD_RETRY_NAME);
  });

  test('its Role allows exactly reading builds, annotating BuildConfigs and starting builds', () => {
    const role = LAB.find((o) => o.kind === 'Role' && o.metadata.name === BUILD_RETRY_NAME);
    expect(role.rules).toEqual([
      { apiGroups: ['build.openshift.io'], resources: ['buildconfigs'], verbs: ['get', 'list', 'patch'] },
      { apiGroups: ['build.openshift.io'], resources: ['buildconfigs/instantiate'], verbs: ['create'] },
      { apiGroups: ['build.openshift.io'], resources: ['builds'], verbs: ['get'] },
    ]);
  });

  test('a new Driver Toolkit image for the same RHCOS version renames the BuildConfig, so a ConfigChange build runs', () => {
    const names = ['a', 'b'].map((digit) => {
      const fleet = new Fleet({
        releases: [{ version: '4.18.12', kernel: '5.14.0-427.50.1.el9_4.x86_64', rhcosVersion: '418.94.202501221327-0', example: true,
          driverToolkitImage: `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${digit.repeat(64)}` }],
        modules: [{ name: 'demo', version: '1', loadOrder: [{ name: 'demo' }], source: ModuleSource.git({ url: 'https://git.example.com/x.git', ref: 'main' }) }],
      });
      fleet.addCluster('c', { release: '4.18.12', pools: { p: { modules: ['demo'] } } });
      const builds = fleet.cluster('c').node.findAll().find((c) => c instanceof ModuleBuilds) as ModuleBuilds;
      return builds.images[0].buildConfig!.name;
    });
    expect(names[0]).not.toBe(names[1]);
    expect(BUILD_CONFIG.spec.triggers).toEqual([{ type: 'ConfigChange' }]);
  });
});

describe.skipIf(missing.length > 0 && !CI)('a failed build is retried and the retry succeeds (oc model, Lua and CEL health)', () => {
  test.runIf(CI && missing.length > 0)('has its tools (required under CI)', () => {
    throw new Error(`missing: ${missing.join(', ')}`);
  });

  test('the script passes shellcheck', () => {
    const file = path.join(work, 'check.sh');
    fs.writeFileSync(file, BUILD_RETRY_SCRIPT);
    const run = spawnSync('shellcheck', ['-s', 'sh', '-S', 'style', file], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  test('first build evicted → Degraded, waits the backoff, retries, retry completes → Healthy', () => {
    const name = BUILD_CONFIG.metadata.name;
    const backoff = Number(CRONJOB.spec.jobTemplate.spec.template.spec.containers[0].env.find((e: any) => e.name === 'KMODS_BACKOFF_SECONDS').value);
    let state = initialState({ phase: 'Failed', reason: 'BuildPodEvicted', completionTimestamp: T0.toISOString() });
    expect(argoHealth(liveBuildConfig(state)).status).toBe('Progressing');

    // Within the backoff: reported as failed, not retried yet.
    let run = runRetryJob(state, at(10));
    expect(run.status).toBe(0);
    state = run.state;
    expect(startBuilds(state)).toBe(0);
    expect(argoHealth(liveBuildConfig(state))).toEqual({ status: 'Degraded', message: expect.stringMatching(/BuildPodEvicted.*retry 1 of 5 in \d+s/) });
    expect(fluxHealth(liveBuildConfig(state))).toBe('Failed');

    // Backoff over: one new build, counted.
    run = runRetryJob(state, at(backoff + 1));
    state = run.state;
    expect(startBuilds(state)).toBe(1);
    expect(state.buildConfigs[name].lastVersion).toBe(2);
    expect(state.buildConfigs[name].annotations['cdk8s-kmods.io/build-retries']).toBe('1');
    expect(argoHealth(liveBuildConfig(state)).status).toBe('Progressing');
    expect(fluxHealth(liveBuildConfig(state))).toBe('InProgress');

    // The retry runs: still Progressing, and not started twice.
    state.builds[`${name}-2`] = { phase: 'Running' };
    state = runRetryJob(state, at(backoff + 400)).state;
    expect(startBuilds(state)).toBe(1);
    expect(argoHealth(liveBuildConfig(state)).status).toBe('Progressing');

    // The retry completes: Healthy (the image for the kernel exists), the count resets.
    state.builds[`${name}-2`] = { phase: 'Complete', completionTimestamp: at(backoff + 500).toISOString() };
    state = runRetryJob(state, at(backoff + 600)).state;
    expect(startBuilds(state)).toBe(1);
    expect(state.buildConfigs[name].annotations['cdk8s-kmods.io/build-retries']).toBe('0');
    expect(argoHealth(liveBuildConfig(state))).toEqual({ status: 'Healthy', message: expect.stringContaining(`${name}-2 complete`) });
    expect(fluxHealth(liveBuildConfig(state))).toBe('Current');
  });

  test('retries are bounded and back off exponentially; then it stays Degraded for a person', () => {
    const name = BUILD_CONFIG.metadata.name;
    const env = Object.fromEntries(CRONJOB.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    const max = Number(env.KMODS_MAX_RETRIES);
    const base = Number(env.KMODS_BACKOFF_SECONDS);
    expect(max).toBeGreaterThan(0);
    let state = initialState({ phase: 'Failed', reason: 'DockerBuildFailed', completionTimestamp: T0.toISOString() });
    let failedAt = 0;
    const startedAfter: number[] = [];
    for (let retry = 0; retry < max; retry++) {
      const wait = base * 2 ** retry;
      state = runRetryJob(state, at(failedAt + wait - 5)).state;
      expect(startBuilds(state), `retry ${retry + 1} must wait ${wait}s`).toBe(retry);
      state = runRetryJob(state, at(failedAt + wait + 5)).state;
      expect(startBuilds(state)).toBe(retry + 1);
      startedAfter.push(wait);
      failedAt += wait + 60;
      state.builds[`${name}-${state.buildConfigs[name].lastVersion}`] = { phase: 'Failed', reason: 'DockerBuildFailed', completionTimestamp: at(failedAt).toISOString() };
    }
    expect(startedAfter).toEqual(Array.from({ length: max }, (_, i) => base * 2 ** i));
    state = runRetryJob(state, at(failedAt + 10 * base * 2 ** max)).state;
    expect(startBuilds(state)).toBe(max);
    expect(argoHealth(liveBuildConfig(state))).toEqual({ status: 'Degraded', message: expect.stringContaining(`gave up after ${max} retries`) });
  });

  test('a build a person cancelled is not retried; a running build is not touched', () => {
    let state = initialState({ phase: 'Cancelled', completionTimestamp: T0.toISOString() });
    state = runRetryJob(state, at(100_000)).state;
    expect(startBuilds(state)).toBe(0);
    expect(argoHealth(liveBuildConfig(state)).status).toBe('Degraded');
    state = initialState({ phase: 'Running' });
    state = runRetryJob(state, at(100_000)).state;
    expect(startBuilds(state)).toBe(0);
    expect(argoHealth(liveBuildConfig(state)).status).toBe('Progressing');
  });
});

test('the YAML in dist/ parses to the objects above (guards against an empty lab folder)', () => {
  expect(LAB.length).toBeGreaterThan(0);
  expect(parse(fs.readFileSync(path.join(REPO_ROOT, 'dist/clusters/lab/kustomization.yaml'), 'utf8')).resources).toContain('kmods-system_cronjob_kmods-build-retry.yaml');
});
