import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { isDnsLabel } from '../names';
import { CliError, CliIo, ExitCode } from './cli-io';
import type { Command } from './command';
import { initTemplate } from './init-template';
import { packageInfo } from './package-info';

const USAGE = `Usage: kmods init [dir] [--name <npm name>] [--cluster <name>] [--library <npm spec>]

Writes a new fleet project into dir (default: the current folder): package.json, tsconfig.json,
cdk8s.yaml, main.ts, fleet.yaml, .github/workflows/kmods.yaml and .gitignore. Then:
  npm install && npx cdk8s synth

  --name     the project's npm name (default: the folder's name)
  --cluster  the example cluster's name (default: my-cluster)
  --library  how package.json refers to this library (default: ^<this version>)
Existing files are never overwritten: init stops and names them.

Exit codes: 0 project written; 1 a target file exists (nothing written); 2 usage error.
`;

/** npm's rules for a package name (lower case, URL-safe, at most 214 characters; an optional @scope/). */
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** `kmods init`: a new fleet project that synthesizes on the first try. */
export const initCommand: Command = {
  name: 'init',
  summary: 'write a new fleet project (fleet.yaml, main.ts, cdk8s.yaml, package.json, CI)',
  usage: USAGE,
  run(args: string[], io: CliIo): ExitCode {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: {
          name: { type: 'string' },
          cluster: { type: 'string', default: 'my-cluster' },
          library: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e), ExitCode.USAGE);
    }
    if (parsed.values.help) {
      io.stdout(USAGE);
      return ExitCode.OK;
    }
    if (parsed.positionals.length > 1) throw new CliError(`one folder at most; given ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}`, ExitCode.USAGE);
    const dir = path.resolve(io.cwd, parsed.positionals[0] ?? '.');
    const projectName = parsed.values.name ?? path.basename(dir).toLowerCase();
    if (projectName.length > 214 || !NPM_NAME.test(projectName)) {
      throw new CliError(`${JSON.stringify(projectName)} is not a valid npm package name (lower-case letters, digits, - . _ ~); pass --name`, ExitCode.USAGE);
    }
    const clusterName = parsed.values.cluster!;
    if (!isDnsLabel(clusterName)) {
      throw new CliError(`--cluster ${JSON.stringify(clusterName)} is not a DNS label (lower-case letters, digits and -, at most 63)`, ExitCode.USAGE);
    }
    const pkg = packageInfo();
    const librarySpec = parsed.values.library ?? `^${pkg.version}`;
    if (librarySpec.trim() === '' || /[\s"\\]/.test(librarySpec)) throw new CliError(`--library ${JSON.stringify(librarySpec)} is not an npm dependency spec`, ExitCode.USAGE);

    const files = initTemplate({ projectName, clusterName, librarySpec, pkg });
    const existing = [...files.keys()].filter((f) => fs.existsSync(path.join(dir, f)));
    if (existing.length > 0) {
      io.stderr(`${`kmods init: ${dir} already has ${existing.join(', ')}; nothing was written`}\n`);
      return ExitCode.FINDINGS;
    }
    for (const [file, content] of files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content, { flag: 'wx' });
    }
    const where = path.relative(io.cwd, dir);
    io.stdout(`${`kmods init: wrote ${[...files.keys()].join(', ')} in ${where || '.'}`}\n`);
    io.stdout(`${`next: ${where ? `cd ${JSON.stringify(where)} && ` : ''}npm install && npx cdk8s synth`}\n`);
    return ExitCode.OK;
  },
};
