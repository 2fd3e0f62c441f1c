import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/validate';

/** Every module specifier a TypeScript file imports or re-exports. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
}

describe('the library imports other packages only through their public entry points', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const files = (fs.readdirSync(path.join(REPO_ROOT, 'lib'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));

  it('no deep imports (a file inside another package can move in any release), and only declared packages', () => {
    expect(files.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(fs.readFileSync(path.join(REPO_ROOT, 'lib', file), 'utf8'))) {
        if (spec.startsWith('.') || spec.startsWith('node:') || spec.includes('${')) continue; // ${…}: code in a template string
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (['fs', 'path', 'os', 'crypto', 'child_process', 'util', 'zlib'].includes(name)) continue;
        if (spec !== name) problems.push(`lib/${file}: deep import ${spec}`);
        if (!runtime.has(name)) problems.push(`lib/${file}: ${name} is not a dependency or peer dependency`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the check sees a deep import', () => {
    expect(specifiers("import { KubeConfigMap } from 'cdk8s-plus-27/lib/imports/k8s';\nexport * from './x';")).toEqual(['cdk8s-plus-27/lib/imports/k8s', './x']);
  });
});
