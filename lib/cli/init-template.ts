import { PackageInfo } from './package-info';

/** What `kmods init` fills into the template. */
export interface InitTemplateOptions {
  /** npm package name of the new project. */
  readonly projectName: string;
  /** Name of the example cluster in fleet.yaml (a DNS label). */
  readonly clusterName: string;
  /** How the project depends on this library, e.g. `^0.1.0` or `file:../cdk8s-kmods-0.1.0.tgz`. */
  readonly librarySpec: string;
  /** This package's package.json (versions of the peers and tools the project gets). */
  readonly pkg: PackageInfo;
}

/** Tools of the project that are not our peers. ts-node runs main.ts (as `cdk8s init typescript-app` does). */
export const TEMPLATE_TOOL_VERSIONS: Readonly<Record<string, string>> = {
  'ts-node': '^10.9.2',
  'typescript': '~5.9.3',
  '@types/node': '^20',
};

/**
 * The files of a new fleet project, by path: laid out like `cdk8s init typescript-app` (its
 * tsconfig.json and `app: npx ts-node main.ts`), plus fleet.yaml, a CI workflow and .gitignore.
 */
export function initTemplate(options: InitTemplateOptions): ReadonlyMap<string, string> {
  const { pkg } = options;
  const peers = pkg.peerDependencies;
  const packageJson = {
    name: options.projectName,
    version: '0.0.0',
    private: true,
    license: 'UNLICENSED',
    scripts: {
      synth: 'cdk8s synth --no-check-upgrade',
      compile: 'tsc --build',
    },
    dependencies: {
      [pkg.name]: options.librarySpec,
      ...Object.fromEntries(Object.keys(peers).sort().map((name) => [name, peers[name]])),
    },
    devDependencies: {
      'cdk8s-cli': pkg.devDependencies['cdk8s-cli'] ?? '^2',
      ...TEMPLATE_TOOL_VERSIONS,
    },
  };
  return new Map([
    ['package.json', `${JSON.stringify(packageJson, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(CDK8S_TYPESCRIPT_APP_TSCONFIG, null, 2)}\n`],
    ['cdk8s.yaml', CDK8S_YAML],
    ['main.ts', mainTs(pkg.name)],
    ['fleet.yaml', fleetYaml(pkg.name, options.clusterName)],
    ['.github/workflows/kmods.yaml', CI_WORKFLOW],
    ['.gitignore', GITIGNORE],
  ]);
}

/** `cdk8s init typescript-app`'s tsconfig.json (cdk8s-cli templates/typescript-app), unchanged. */
export const CDK8S_TYPESCRIPT_APP_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ['es2016'],
    module: 'CommonJS',
    noEmit: false,
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: 'ES2017',
  },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
};

const CDK8S_YAML = `# cdk8s synth deletes its \`output\` folder before it runs the app, so the manifests do not go
# there: main.ts writes dist/ itself (staged, validated, swapped in) and leaves only a report in
# .cdk8s.out. Never point \`output\` (or -o) at dist/.
language: typescript
app: npx ts-node main.ts
output: .cdk8s.out
`;

function mainTs(library: string): string {
  return `/**
 * Synthesizes fleet.yaml into dist/ (one folder per cluster):  npx cdk8s synth
 * Bad input fails with every problem listed (file:line:col, path, value) and dist/ unchanged.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { loadFleetFile, synthesizeFleet } from '${library}';

const outdir = path.join(__dirname, 'dist');
try {
  const fleet = loadFleetFile(path.relative(process.cwd(), path.join(__dirname, 'fleet.yaml')));
  const report = synthesizeFleet(fleet, { outdir });
  console.log(\`dist: \${report.clusters} clusters, \${report.objects} objects (\${report.added.length} added, \`
    + \`\${report.changed.length} changed, \${report.removed.length} removed)\`);
  for (const warning of report.warnings) console.error(\`warning: \${warning}\`);
  // cdk8s synth expects its output folder (cdk8s.yaml \`output\`): it gets the report, never manifests.
  const cdk8sOutdir = process.env.CDK8S_OUTDIR;
  if (cdk8sOutdir) {
    fs.mkdirSync(cdk8sOutdir, { recursive: true });
    fs.writeFileSync(path.join(cdk8sOutdir, 'synth-report.yaml'), Yaml.stringify(report));
  }
} catch (e) {
  console.error(\`synth failed, dist left unchanged: \${e instanceof Error ? e.message : String(e)}\`);
  process.exit(1);
}
`;
}

function fleetYaml(library: string, cluster: string): string {
  return `# yaml-language-server: $schema=node_modules/${library}/schema/fleet.schema.json
#
# Your fleet: the OpenShift releases your clusters run, the kernel modules they load, and the
# clusters with their node pools. \`npx cdk8s synth\` writes dist/clusters/<cluster>/.
#
# EXAMPLE DATA: replace the release below with yours:
#   oc adm release info <release> --image-for=driver-toolkit    (driverToolkitImage, by digest)
#   oc image info <dtk image>   (labels kernel-version, kernel-rt-version)

# Uncomment to generate Argo CD Applications (dist/argocd) and/or Flux Kustomizations (dist/flux):
# gitops:
#   engine: argocd            # argocd | flux | both
#   repoURL: https://git.example.com/platform/kmods-fleet.git

releases:
  "4.19.3":
    example: true
    kernel: 5.14.0-570.22.1.el9_6.x86_64
    realtimeKernel: 5.14.0-570.22.1.el9_6.x86_64+rt
    driverToolkitImage: quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:411cf741d0e26e2c93dc96522b3cb8c6542138d34ad2f961450c538385f214fa

modules:
  # The kmods-via-containers sample module, built on the Driver Toolkit for each kernel.
  simple-kmod:
    version: "1.0.0"
    source:
      git:
        url: https://github.com/kmods-via-containers/simple-kmod.git
        ref: main
    loadOrder:
      - name: simple-kmod

clusters:
  ${cluster}:
    release: "4.19.3"
    # Each pool becomes a MachineConfigPool selecting node-role.kubernetes.io/<pool>.
    pools:
      kmods:
        modules: [simple-kmod]
`;
}

const CI_WORKFLOW = `# Fails when dist/ is not what fleet.yaml synthesizes to (commit dist/ with every fleet change).
name: kmods
on: [push, pull_request]
jobs:
  synth:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npx cdk8s synth --no-check-upgrade
      - run: git add --intent-to-add dist && git diff --exit-code -- dist
`;

const GITIGNORE = `node_modules/
.cdk8s.out/
.dist-staging-*/
.dist-previous-*/
*.js
*.d.ts
`;
