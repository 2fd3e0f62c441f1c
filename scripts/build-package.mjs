// Compiles lib/ into build/ (CommonJS + .d.ts) for the npm package, and copies the files the
// library reads at run time (the Argo CD Lua health checks) beside the compiled code.
// `npm pack` / `npm publish` run it (prepack). dist/ is the synthesized example fleet, not this.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
const build = join(root, 'build');
const ASSETS = /\.lua$/;

rmSync(build, { recursive: true, force: true });
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

let copied = 0;
for (const entry of readdirSync(lib, { recursive: true })) {
  if (!ASSETS.test(entry)) continue;
  mkdirSync(dirname(join(build, entry)), { recursive: true });
  copyFileSync(join(lib, entry), join(build, entry));
  copied += 1;
}
chmodSync(join(build, 'cli', 'main.js'), 0o755);
console.log(`build: compiled ${relative(root, lib)} into ${relative(root, build)}, copied ${copied} asset file(s)`);
