// Regenerates the typed (L1) classes in lib/imports/ with `cdk8s import`, one file per API group,
// from the upstream CRDs in ../shared/crds and data/crds. The generated files are committed.
//   node scripts/import-crds.mjs [outdir]   (npm run import-crds; default outdir lib/imports)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.KMODS_SHARED_DIR ?? join(root, '..', 'shared');
const outdir = process.argv[2] ?? join(root, 'lib', 'imports');

/** Output file (lib/imports/<group>.ts) → the CRD files of its kinds. */
const GROUPS = {
  'machineconfiguration.openshift.io': [
    join(shared, 'crds/openshift/machineconfigs.machineconfiguration.openshift.io.yaml'),
    join(shared, 'crds/openshift/machineconfigpools.machineconfiguration.openshift.io.yaml'),
  ],
  'operator.openshift.io': [join(shared, 'crds/openshift/machineconfigurations.operator.openshift.io.yaml')],
  // The KMM Module is not imported yet: its spec has hand-written interfaces (kmm-module-spec.ts) that
  // the webhook checks read, and the generated types split what they share per nesting level.
  'kmm.sigs.x-k8s.io': [join(shared, 'crds/kmm/preflightvalidationsocp.kmm.sigs.x-k8s.io.yaml')],
  'operators.coreos.com': [
    join(shared, 'crds/olm/operatorgroups.operators.coreos.com.yaml'),
    join(shared, 'crds/olm/subscriptions.operators.coreos.com.yaml'),
  ],
  'nfd.openshift.io': [join(shared, 'crds/nfd/nodefeaturediscoveries.nfd.openshift.io.yaml')],
  // ApplicationSet is left out: its CRD generates 3.3 MB of TypeScript for one optional object.
  'argoproj.io': [
    join(shared, 'crds/argocd/applications.argoproj.io.yaml'),
    join(shared, 'crds/argocd/appprojects.argoproj.io.yaml'),
  ],
  'source.toolkit.fluxcd.io': [join(shared, 'crds/flux/gitrepositories.source.toolkit.fluxcd.io.yaml')],
  'kustomize.toolkit.fluxcd.io': [join(shared, 'crds/flux/kustomizations.kustomize.toolkit.fluxcd.io.yaml')],
};

const work = mkdtempSync(join(tmpdir(), 'kmods-import-'));
try {
  for (const [group, files] of Object.entries(GROUPS)) {
    const input = join(work, `${group}.yaml`);
    writeFileSync(input, files.map((f) => readFileSync(f, 'utf8').replace(/^---\n/, '')).join('\n---\n'));
    const out = join(work, group);
    execFileSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['import', '--no-check-upgrade', '--language', 'typescript', '--output', out, input], { stdio: 'pipe', cwd: work });
    copyFileSync(join(out, `${group}.ts`), join(outdir, `${group}.ts`));
    console.log(join(outdir, `${group}.ts`));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
