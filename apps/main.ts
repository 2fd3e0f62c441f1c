/**
 * The default app: reads apps/fleet.yaml and writes the fleet into dist/.
 *
 *   npx cdk8s synth            (cdk8s.yaml runs this file; see the note there)
 *   npx tsx apps/main.ts
 *
 * Environment: KMODS_FLEET_FILE (default apps/fleet.yaml), KMODS_OUTDIR (default dist),
 * KMODS_ALLOW_REMOVAL=1 (let a run remove most or all existing cluster folders), KMODS_FULL=1 or
 * `--full` (render every cluster; by default clusters whose inputs are unchanged since the last
 * run are carried over from dist/, with byte-identical results), KMODS_WORKERS=<n> (worker threads
 * that render clusters; 0 renders on the main thread; default: one per CPU core when at least 600
 * clusters are to be rendered).
 * On any problem it prints the reasons and exits 1 with dist/ exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { FleetValidationError } from '../lib/errors';
import { loadFleetFile } from '../lib/fleet-file/fleet-file';
import { progressFor } from '../lib/synth/progress';
import { OutputFolderError } from '../lib/synth/output-guard';
import { OutputCheckError } from '../lib/synth/render-cluster';
import { synthesizeFleet } from '../lib/synth/synthesize-fleet';

const repoRoot = path.resolve(__dirname, '..');
const fleetFile = process.env.KMODS_FLEET_FILE ?? path.relative(process.cwd(), path.join(repoRoot, 'apps', 'fleet.yaml'));
const outdir = process.env.KMODS_OUTDIR ?? path.join(repoRoot, 'dist');
const cdk8sOutdir = process.env.CDK8S_OUTDIR;
const allowRemoval = process.env.KMODS_ALLOW_REMOVAL === '1';
const full = process.env.KMODS_FULL === '1' || process.argv.slice(2).includes('--full');

/** KMODS_WORKERS: a whole number ≥ 0, or unset / empty for the default. */
function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`KMODS_WORKERS must be a whole number ≥ 0 (0 renders on the main thread), got ${JSON.stringify(value)}`);
  return n;
}

function main(): void {
  if (cdk8sOutdir && path.resolve(cdk8sOutdir) === path.resolve(outdir)) {
    throw new Error(`cdk8s synth's output folder is ${cdk8sOutdir}, the same as the fleet output; `
      + 'cdk8s deletes that folder before every run. Keep `output: .cdk8s.out` in cdk8s.yaml and do not pass -o dist.');
  }
  const workers = parseWorkers(process.env.KMODS_WORKERS);
  const fleet = loadFleetFile(fleetFile);
  const report = synthesizeFleet(fleet, { outdir, allowRemoval, full, workers, onProgress: progressFor(process.stderr, process.env) });
  const summary = `${path.relative(process.cwd(), outdir) || '.'}: ${report.clusters} clusters, ${report.objects} objects, `
    + `${report.files} files (${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed; `
    + `${report.rendered} clusters rendered, ${report.clusters - report.rendered} unchanged)`;
  console.log(summary);
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  if (cdk8sOutdir) {
    fs.mkdirSync(cdk8sOutdir, { recursive: true });
    fs.writeFileSync(path.join(cdk8sOutdir, 'synth-report.yaml'), Yaml.stringify({
      fleetFile, outdir: path.relative(repoRoot, outdir), clusters: report.clusters, rendered: report.rendered, objects: report.objects, files: report.files,
      added: report.added, changed: report.changed, removed: report.removed, warnings: report.warnings,
    }));
  }
}

try {
  main();
} catch (e) {
  if (e instanceof FleetValidationError || e instanceof OutputCheckError || e instanceof OutputFolderError) {
    console.error(`synth failed, ${path.relative(process.cwd(), outdir) || outdir} left unchanged: ${e.message}`);
  } else {
    console.error(`synth failed, ${path.relative(process.cwd(), outdir) || outdir} left unchanged:`, e);
  }
  process.exit(1);
}
