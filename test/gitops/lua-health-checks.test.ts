import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { argoCdConfigKey, HEALTH_CHECKS, HealthCheck, luaSource } from '../../lib/gitops/health-checks/health-checks';
import { HEALTH_FIXTURES } from './health-fixtures';
import { toLuaLiteral } from './lua-table';

const LUA = 'lua5.1';
const luaAvailable = spawnSync(LUA, ['-v'], { encoding: 'utf8' }).status === 0;
if (!luaAvailable && process.env.CI === 'true') {
  throw new Error(`${LUA} is required in CI (Debian package lua5.1) to run the Argo CD health checks`);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-lua-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs a health check the way Argo CD does: the object as global `obj`, the chunk returns {status, message}. */
function runCheck(check: HealthCheck, obj: unknown): { status: string; message: string } {
  const script = path.join(work, check.luaFile);
  if (!fs.existsSync(script)) fs.writeFileSync(script, luaSource(check));
  const harness = path.join(work, `run-${Math.random().toString(36).slice(2)}.lua`);
  fs.writeFileSync(harness, [
    `obj = ${toLuaLiteral(obj)}`,
    `local hs = dofile(${JSON.stringify(script)})`,
    'assert(type(hs) == "table", "health check returned no table")',
    'io.write(tostring(hs.status), "\\t", tostring(hs.message))',
  ].join('\n'));
  const run = spawnSync(LUA, [harness], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${LUA} failed: ${run.stderr}`);
  const [status, message] = run.stdout.split('\t');
  return { status, message };
}

function checkFor(group: string, kind: string): HealthCheck {
  const check = HEALTH_CHECKS.find((c) => c.group === group && c.kind === kind);
  if (!check) throw new Error(`no health check for ${group}/${kind}`);
  return check;
}

describe.skipIf(!luaAvailable)('Argo CD Lua health checks under Lua 5.1', () => {
  for (const fixture of HEALTH_FIXTURES) {
    it(`${fixture.kind}: ${fixture.name} → ${fixture.argo}`, () => {
      const result = runCheck(checkFor(fixture.group, fixture.kind), fixture.obj);
      expect(result.status).toBe(fixture.argo);
      for (const words of fixture.message) expect(result.message).toContain(words);
    });
  }

  it('every check returns a status for an object with nothing but apiVersion and kind', () => {
    for (const check of HEALTH_CHECKS) {
      const result = runCheck(check, { apiVersion: check.apiVersion, kind: check.kind });
      expect(['Healthy', 'Progressing', 'Degraded', 'Suspended']).toContain(result.status);
      expect(result.message).not.toBe('nil');
    }
  });

  it('every shipped check is exercised by a fixture of each status it can return', () => {
    for (const check of HEALTH_CHECKS) {
      const statuses = new Set(HEALTH_FIXTURES.filter((f) => f.kind === check.kind && f.group === check.group).map((f) => f.argo));
      expect(statuses.size, `${check.kind} fixtures`).toBeGreaterThanOrEqual(2);
      const source = luaSource(check);
      for (const status of ['Healthy', 'Progressing', 'Degraded', 'Suspended']) {
        if (source.includes(`"${status}"`)) expect(statuses, `${check.kind} can return ${status}`).toContain(status);
      }
    }
  });
});

describe('health check registry', () => {
  it('names the argocd-cm keys as resource.customizations.health.<group>_<Kind>', () => {
    expect(argoCdConfigKey(checkFor('machineconfiguration.openshift.io', 'MachineConfigPool')))
      .toBe('resource.customizations.health.machineconfiguration.openshift.io_MachineConfigPool');
    expect(argoCdConfigKey(checkFor('kmm.sigs.x-k8s.io', 'Module'))).toBe('resource.customizations.health.kmm.sigs.x-k8s.io_Module');
  });

  it('ships a Lua file for every check and copies no upstream Argo CD check verbatim', () => {
    for (const check of HEALTH_CHECKS) {
      const source = luaSource(check);
      expect(source).toMatch(/return hs\s*$/);
      expect(source).toContain('cdk8s-kmods');
    }
  });
});
