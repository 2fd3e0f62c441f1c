import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commands } from '../../lib/cli/commands';
import { REPO_ROOT } from './support/run-cli';

/** The README's kmods section: the day-2 commands and the CI snippets must be real. */
const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const sectionStart = readme.indexOf('\n## Command line: `kmods`');
const section = readme.slice(sectionStart, readme.indexOf('\n## ', sectionStart + 1));
const blocks = (lang: string): string[] => [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
const CI = process.env.CI === 'true';

/** Every `npx kmods …` invocation in a text, as its words (backslash continuations joined). */
function kmodsCalls(text: string): string[][] {
  return text.replace(/\\\n\s*/g, ' ').split('\n').flatMap((line) => {
    const at = line.indexOf('npx kmods ');
    return at === -1 ? [] : [line.slice(at + 'npx kmods '.length).split(/\s+/).filter((w) => w && !w.startsWith('>'))];
  });
}

function shellcheck(script: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-readme-')), 'snippet.sh');
  fs.writeFileSync(file, `#!/bin/bash\n${script}\n`);
  const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', file], { encoding: 'utf8' });
  return r.status === 0 ? '' : r.stdout + r.stderr;
}

describe('README: kmods command line', () => {
  const sh = blocks('sh');
  const yamls = blocks('yaml');

  it('has the day-2 flow (release import → check → plan → merge → upgrade) and two CI snippets', () => {
    expect(sh).toHaveLength(1);
    const flow = sh[0];
    const order = ['kmods release import', 'kmods check', 'kmods plan', 'oc adm upgrade'].map((s) => flow.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(yamls).toHaveLength(2);
  });

  it('every kmods call in the README names a real command and only options that command documents', () => {
    const calls = [...sh, ...yamls].flatMap(kmodsCalls);
    expect(calls.length).toBeGreaterThanOrEqual(5);
    const table = commands();
    for (const words of calls) {
      const command = table.find((c) => c.name.split(' ').every((w, i) => words[i] === w));
      expect(command, words.join(' ')).toBeDefined();
      for (const option of words.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0])) {
        expect(command!.usage, `${command!.name} ${option}`).toContain(option);
      }
    }
  });

  it('the CI snippets are valid YAML that run kmods plan against the target branch and post the result', () => {
    const github = parse(yamls[0]);
    const steps: Array<{ run?: string }> = github.jobs.plan.steps;
    expect(github.on).toBe('pull_request');
    expect(github.permissions['pull-requests']).toBe('write');
    expect(steps.some((s) => s.run?.includes('npx kmods plan --base "origin/${GITHUB_BASE_REF}" > plan.md'))).toBe(true);
    expect(steps.some((s) => s.run?.includes('gh pr comment "$PR" --body-file plan.md'))).toBe(true);
    const gitlab = parse(yamls[1])['kmods-plan'];
    expect(gitlab.rules[0].if).toBe('$CI_PIPELINE_SOURCE == "merge_request_event"');
    expect(gitlab.script.join('\n')).toContain('merge_requests/$CI_MERGE_REQUEST_IID/notes');
  });

  it.skipIf(!hasShellcheck && !CI)('the day-2 commands and the CI shell steps pass shellcheck', () => {
    const github = parse(yamls[0]);
    const gitlab = parse(yamls[1])['kmods-plan'];
    const scripts = [
      sh[0],
      (github.jobs.plan.steps as Array<{ run?: string }>).filter((s) => s.run).map((s) => s.run).join('\n'),
      // GitLab passes these variables in the environment.
      (gitlab.script as string[]).join('\n'),
    ];
    expect(scripts.map(shellcheck)).toEqual(['', '', '']);
  });
});
