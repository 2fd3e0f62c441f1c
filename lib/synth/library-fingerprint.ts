import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The packages whose code shapes the output besides this library's own. */
const OUTPUT_DEPENDENCIES = ['cdk8s', 'cdk8s-plus-27', 'constructs', 'yaml'];

let cached: string | undefined;

/**
 * What "the library version" means to incremental synthesis: a hash of this package's version,
 * every source file of the library (`lib/`, TypeScript in a checkout, JavaScript when packaged)
 * and the versions of the packages that shape the output. Any change to the generator, even
 * without a version bump (a developer editing `lib/`), so re-renders every cluster. Computed
 * once per process (about 100 small files).
 */
export function libraryFingerprint(): string {
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  const libDir = path.resolve(__dirname, '..');
  const pkg = path.join(libDir, '..', 'package.json');
  hash.update(`package ${fs.existsSync(pkg) ? String((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version) : '?'}\n`);
  for (const file of sourceFiles(libDir)) {
    hash.update(`file ${file}\n`);
    hash.update(fs.readFileSync(path.join(libDir, file)));
  }
  for (const dep of OUTPUT_DEPENDENCIES) hash.update(`dependency ${dep} ${dependencyVersion(dep)}\n`);
  cached = hash.digest('hex').slice(0, 32);
  return cached;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && /\.(ts|js|cjs|mjs|json|lua|sh)$/.test(entry.name) && !entry.name.endsWith('.map')) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

function dependencyVersion(name: string): string {
  try {
    const main = require.resolve(name);
    let dir = path.dirname(main);
    while (dir !== path.dirname(dir)) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg)) {
        const parsed = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (parsed.name === name) return String(parsed.version);
      }
      dir = path.dirname(dir);
    }
  } catch {
    // not installed where we can see it
  }
  return '?';
}
