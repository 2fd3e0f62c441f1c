import { spawnSync } from 'child_process';
import * as path from 'path';
import { CliError } from './cli-io';

function git(cwd: string, args: string[], input?: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', input, maxBuffer: 1 << 30 });
  if (r.error) throw new CliError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new CliError(`git ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
  return r.stdout;
}

/**
 * The text files under `dir` (a folder of the git work tree `cwd` is in; it need not exist now)
 * as they are at `ref`, keyed by their path relative to `dir`. A folder that does not exist at
 * `ref` gives an empty map.
 */
export function readTreeAtRef(cwd: string, dir: string, ref: string): Map<string, string> {
  const top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  const resolved = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, encoding: 'utf8' });
  if (resolved.status !== 0) throw new CliError(`--base: "${ref}" is not a commit in the repository at ${top}`);
  const commit = resolved.stdout.trim();
  const prefix = path.relative(top, path.resolve(dir)).split(path.sep).join('/');
  const listing = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', prefix === '' ? '.' : prefix]);
  const entries = listing.split('\0').filter(Boolean).map((line) => {
    const [meta, file] = line.split('\t');
    const [, type, sha] = meta.split(' ');
    return { type, sha, file };
  }).filter((e) => e.type === 'blob');
  const out = new Map<string, string>();
  if (entries.length === 0) return out;
  // One `git cat-file --batch` for all blobs: `<sha> blob <size>\n<content>\n` per object.
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd: top, input: entries.map((e) => e.sha).join('\n') + '\n', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new CliError(`git cat-file --batch: ${String(r.stderr).trim()}`);
  const buf = r.stdout as Buffer;
  let pos = 0;
  for (const e of entries) {
    const nl = buf.indexOf(10, pos);
    const size = Number(buf.subarray(pos, nl).toString('utf8').split(' ')[2]);
    const content = buf.subarray(nl + 1, nl + 1 + size).toString('utf8');
    pos = nl + 1 + size + 1;
    out.set(prefix === '' ? e.file : e.file.slice(prefix.length + 1), content);
  }
  return out;
}
