import * as fs from 'fs';
import * as path from 'path';
import { CliIo } from '../../../lib/cli/cli-io';
import { runCli } from '../../../lib/cli/main';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'cli', 'fixtures');
export const EXAMPLE_FLEET = path.join(REPO_ROOT, 'apps', 'fleet.yaml');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `kmods <argv>` in-process with captured output. */
export function kmods(argv: string[], options: { cwd?: string; stdin?: string; env?: Record<string, string> } = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readStdin: () => options.stdin ?? '',
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? {},
  };
  const code = runCli(argv, io);
  return { code, stdout, stderr };
}

export const fixture = (name: string): string => path.join(FIXTURES, name);

/** gpu-staging mid-upgrade, with rt-1 booted into a z-stream realtime kernel that no release of the catalog has. */
export function unknownKernelInventory(): string {
  const inventory = JSON.parse(fs.readFileSync(fixture('nodes-gpu-staging-mid-upgrade.json'), 'utf8'));
  const node = inventory.items.find((n: any) => n.metadata.name === 'rt-1');
  node.status.nodeInfo.kernelVersion = '5.14.0-427.55.1.el9_4.x86_64+rt';
  const dir = fs.mkdtempSync('/tmp/kmods-check-');
  fs.writeFileSync(`${dir}/unknown-kernel.json`, JSON.stringify(inventory));
  return `${dir}/unknown-kernel.json`;
}
