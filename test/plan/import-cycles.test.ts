import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../support/repo';

/** Every .ts file under lib/, relative to the repository ('/' separated). */
function libFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith('.ts')) out.push(`${dir}/${e.name}`);
    }
  };
  walk('lib');
  return out.sort();
}

/**
 * The data flows one way (fleet → plan → objects): no module of lib/ may reach itself through its
 * imports. dpdm (https://github.com/acrazing/dpdm) resolves every import with the TypeScript
 * parser; `transform: false` keeps type-only imports, since `import type` cycles are the same
 * design smell (a child reading back into its parent) even when they vanish at run time.
 */
describe('lib/ import graph', () => {
  test('has no cycle, type-only imports included', async () => {
    const files = libFiles();
    expect(files.length).toBeGreaterThan(50);
    const tree = await parseDependencyTree(files, { context: REPO_ROOT, cwd: REPO_ROOT, transform: false, skipDynamicImports: false });
    const ours = Object.keys(tree).filter((f) => f.startsWith('lib/'));
    expect(ours.length).toBe(files.length);
    const edges = ours.reduce((n, f) => n + (tree[f] ?? []).length, 0);
    expect(edges).toBeGreaterThan(files.length);
    expect(parseCircular(tree).map((c) => c.join(' → '))).toEqual([]);
  });

  test('the check sees a cycle when there is one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmods-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { A } from './a';\nexport class B { a?: A }\n");
      const tree = await parseDependencyTree(['a.ts'], { context: dir, cwd: dir, transform: false });
      expect(parseCircular(tree)).toEqual([['a.ts', 'b.ts']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
