import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of our own package.json the CLI reads. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * This package's package.json. The file sits two folders up both from the sources
 * (`lib/cli/`) and from the compiled package (`build/cli/`).
 */
export function packageInfo(): PackageInfo {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return {
    name: pkg.name,
    version: pkg.version,
    peerDependencies: pkg.peerDependencies ?? {},
    devDependencies: pkg.devDependencies ?? {},
  };
}

/** This package's version. */
export function packageVersion(): string {
  return packageInfo().version;
}
