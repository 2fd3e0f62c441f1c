import { spawnSync } from 'node:child_process';

/** The kubectl to run: `$KUBECTL` if set, else `kubectl` from PATH. */
export function kubectlCommand(): string {
  return process.env.KUBECTL || 'kubectl';
}

/**
 * Runs `kubectl kustomize <dir>` and returns its YAML output. Throws with kubectl's stderr when it fails.
 * Works offline with kubectl 1.20 (kustomize 2.0.3) and newer, as long as the kustomization only uses `resources:`.
 */
export function kustomizeBuild(dir: string): string {
  const result = spawnSync(kubectlCommand(), ['kustomize', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run ${kubectlCommand()} kustomize ${dir}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${kubectlCommand()} kustomize ${dir} failed (exit ${result.status}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}
