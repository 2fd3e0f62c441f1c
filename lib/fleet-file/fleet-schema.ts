import { KmmKernelMapping } from '../delivery/kmm/kmm-kernel-mapping';
import { LoaderKind, LoaderRollout } from '../module/loader-kind';
import { IgnitionVersion } from '../node/ignition-version';
import { KernelType } from '../node/kernel-type';
import { JsonSchema } from './json-schema-check';

/** The values of a TypeScript string enum, so the schema's enums never drift from the API's. */
const valuesOf = (e: Record<string, string>): string[] => Object.values(e);
/** `a, b or c`. */
const orList = (values: ReadonlyArray<string>): string => `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const MODULE_NAME = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
const KERNEL = '^\\d+\\.\\d+\\.\\d+-[A-Za-z0-9._+~-]+$';
const RELEASE = '^\\d+\\.\\d+\\.\\d+$';

const stringList = (description: string, pattern?: string): JsonSchema => ({
  type: 'array', description, uniqueItems: true, items: pattern ? { type: 'string', pattern } : { type: 'string' },
});

/**
 * JSON Schema (draft-07) of `fleet.yaml`. It is published as `schema/fleet.schema.json` (a test
 * keeps the file in step) so editors complete and check the file; `loadFleetFile` applies it
 * before the constructs apply the rules a schema cannot say (releases that exist, kernels covered, …).
 */
export const FLEET_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/cdk8s-kmods/cdk8s-kmods/schema/fleet.schema.json',
  title: 'cdk8s-kmods fleet',
  description: 'OpenShift releases, kernel modules and clusters that cdk8s-kmods synthesizes into dist/.',
  type: 'object',
  additionalProperties: false,
  required: ['releases', 'clusters'],
  properties: {
    gitops: {
      type: 'object',
      additionalProperties: false,
      required: ['repoURL'],
      description: 'how Argo CD and/or Flux apply dist/clusters/<cluster>',
      properties: {
        engines: {
          type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['argocd', 'flux'] },
          description: 'the GitOps engines to generate wiring for, e.g. [argocd, flux]',
        },
        engine: { enum: ['argocd', 'flux', 'both'], description: 'older spelling of engines: argocd, flux or both' },
        bootstrap: {
          enum: ['per-cluster', 'hub'], default: 'per-cluster',
          description: 'per-cluster: dist/bootstrap/<cluster>/<engine>/ applied on each cluster; hub: dist/hub/<engine>/ applied on one hub',
        },
        repoSecret: { type: 'string', description: 'Secret with the credentials of a private repository (Flux secretRef); never written to dist/' },
        nodeSync: {
          type: 'object',
          additionalProperties: false,
          description: 'MachineConfigs, pools and MachineConfiguration in clusters/<cluster>/node/, synced in maintenance windows or by hand',
          properties: {
            manual: { type: 'boolean', default: false, description: 'only a person syncs node-level objects' },
            windows: {
              type: 'array',
              description: 'Argo CD sync windows for node-level objects (Flux: the node Kustomization is suspended; resume it in the window)',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['schedule', 'duration'],
                properties: {
                  schedule: { type: 'string', description: 'cron schedule of the window start, e.g. "0 22 * * 6"' },
                  duration: { type: 'string', description: 'how long the window lasts, e.g. 4h' },
                  timeZone: { type: 'string', default: 'UTC', description: 'IANA time zone of the schedule' },
                },
              },
            },
          },
        },
        repoURL: { type: 'string', minLength: 1, description: 'git repository holding dist/ (https, ssh or git@host:path)' },
        revision: { type: 'string', default: 'main', description: 'branch, tag (refs/tags/<t> for Flux) or 40-hex commit' },
        argocdNamespace: { type: 'string', pattern: DNS_LABEL, default: 'openshift-gitops', description: 'namespace of the Argo CD instance' },
        argocdInstance: { type: 'string', pattern: DNS_LABEL, maxLength: 30, default: 'openshift-gitops', description: 'OpenShift GitOps ArgoCD instance name' },
        applicationSet: { type: 'boolean', default: false, description: 'one ApplicationSet instead of one Application per cluster' },
        fluxNamespace: { type: 'string', pattern: DNS_LABEL, default: 'flux-system', description: 'namespace of Flux' },
        fluxTimeout: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$', default: '90m', description: 'Flux wait timeout; allow for pool reboots' },
        pathPrefix: { type: 'string', pattern: '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$', default: 'dist', description: 'folder of the synthesized output in the repository' },
      },
    },
    releases: {
      type: 'object',
      description: 'OpenShift releases by release number (major.minor.patch)',
      propertyNames: { type: 'string', pattern: RELEASE, description: 'a release number such as 4.18.12' },
      additionalProperties: { $ref: '#/definitions/release' },
    },
    modules: {
      type: 'object',
      description: 'kernel modules by catalog name (a DNS label)',
      propertyNames: { type: 'string', pattern: DNS_LABEL, maxLength: 40, description: 'a DNS label of at most 40 characters' },
      additionalProperties: { $ref: '#/definitions/module' },
    },
    clusters: {
      type: 'object',
      description: 'clusters by name (a DNS label)',
      propertyNames: { type: 'string', pattern: DNS_LABEL, maxLength: 40, description: 'a DNS label of at most 40 characters' },
      additionalProperties: { $ref: '#/definitions/cluster' },
    },
  },
  definitions: {
    release: {
      type: 'object',
      additionalProperties: false,
      required: ['kernel'],
      properties: {
        kernel: { type: 'string', pattern: KERNEL, description: 'default RHCOS kernel, as uname -r prints it' },
        realtimeKernel: { type: 'string', pattern: KERNEL, description: 'realtime kernel (ends in +rt on RHEL 9)' },
        kernel64k: { type: 'string', pattern: KERNEL, description: '64k-pages kernel (aarch64)' },
        driverToolkitImage: { type: 'string', description: 'Driver Toolkit image of the release, pinned by @sha256 digest; without it builds use the cluster\'s openshift/driver-toolkit:<rhcosVersion> ImageStreamTag' },
        rhcosVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d{12}-\\d+$', description: 'RHCOS build (OSTREE_VERSION), e.g. 418.94.202501221327-0' },
        example: { type: 'boolean', description: 'true when the data is an example, not read off a real release', default: false },
      },
    },
    koModule: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: MODULE_NAME, maxLength: 56, description: 'module name as modprobe knows it' },
        parameters: {
          type: 'object',
          description: 'module parameters: name → string value',
          propertyNames: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.]*$', description: 'a parameter name' },
          additionalProperties: { type: 'string' },
        },
      },
    },
    source: {
      type: 'object',
      description: 'exactly one of git, dockerfile, prebuilt',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        git: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'ref'],
          properties: {
            url: { type: 'string', description: 'repository URL' },
            ref: { type: 'string', description: 'branch, tag or commit' },
            contextDir: { type: 'string', description: 'folder with the Makefile' },
            buildCommand: { type: 'string', description: 'command that builds the .ko files' },
          },
        },
        dockerfile: { type: 'string', description: 'a Dockerfile receiving build args DTK_IMAGE and KERNEL_FULL_VERSION' },
        prebuilt: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            image: { type: 'string', description: 'image template containing ${KERNEL_FULL_VERSION}' },
            images: {
              type: 'object',
              description: 'kernel → image',
              propertyNames: { type: 'string', pattern: KERNEL, description: 'a kernel release' },
              additionalProperties: { type: 'string' },
            },
          },
        },
      },
    },
    module: {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'source'],
      properties: {
        preset: { enum: ['ibm-storage-scale'], description: 'vendor preset: ibm-storage-scale fills loadOrder (tracedev, mmfslinux, mmfs26) and keeps the modules loaded' },
        version: { type: 'string', description: 'the driver version' },
        loadOrder: { type: 'array', minItems: 1, items: { $ref: '#/definitions/koModule' }, description: '.ko modules, loaded first to last' },
        source: { $ref: '#/definitions/source' },
        firmwarePath: { type: 'string', description: 'folder in the image whose files are copied to the node firmware path' },
        inTreeModulesToRemove: stringList('in-tree modules unloaded before loading', MODULE_NAME),
        blacklist: stringList('in-tree modules the nodes must never load', MODULE_NAME),
        blacklistOnKernelCommandLine: { type: 'boolean', default: false, description: 'also blacklist with modprobe.blacklist= (reboots the pool)' },
        loadAtBoot: stringList('host modules loaded at boot through /etc/modules-load.d', MODULE_NAME),
        signing: {
          type: 'object',
          additionalProperties: false,
          required: ['keySecret', 'certSecret'],
          properties: {
            keySecret: { type: 'string', pattern: DNS_LABEL, description: 'Secret with the private key (key "key")' },
            certSecret: { type: 'string', pattern: DNS_LABEL, description: 'Secret with the certificate (key "cert")' },
          },
        },
        imageRepository: { type: 'string', description: 'external repository to push built images to' },
        imagePullSecret: { type: 'string', pattern: DNS_LABEL, description: 'Secret to push/pull the external repository' },
        loader: { enum: valuesOf(LoaderKind), description: orList(valuesOf(LoaderKind)) },
        keepLoadedOnStop: { type: 'boolean', default: true, description: 'keep the module loaded when the loader stops (false: unload, and remove the firmware it copied)' },
        toleratesCordon: { type: 'boolean', default: true, description: 'keep the loader on cordoned nodes' },
        rollout: { enum: valuesOf(LoaderRollout), default: LoaderRollout.ROLLING_UPDATE, description: orList(valuesOf(LoaderRollout)) },
        rolloutMaxUnavailable: { $ref: '#/definitions/intOrPercent' },
        kmmKernelMapping: { enum: valuesOf(KmmKernelMapping), description: 'with loader kmm: literal (one mapping per kernel) or regexp (builds for new kernels); default: the cluster\'s' },
      },
    },
    intOrPercent: {
      oneOf: [
        { type: 'integer', minimum: 1, description: 'a whole number ≥ 1' },
        { type: 'string', pattern: '^(100|[1-9][0-9]?)%$', description: 'a percentage from 1% to 100%' },
      ],
    },
    pool: {
      type: 'object',
      additionalProperties: false,
      properties: {
        nodeSelector: {
          type: 'object',
          description: 'labels a node must have to join the pool (default node-role.kubernetes.io/<pool>: "")',
          additionalProperties: { type: 'string' },
        },
        maxUnavailable: { $ref: '#/definitions/intOrPercent' },
        modules: stringList('catalog modules the nodes load', DNS_LABEL),
        kernelType: { enum: valuesOf(KernelType), default: KernelType.DEFAULT, description: orList(valuesOf(KernelType)) },
        extensions: stringList('RHCOS extensions, e.g. kernel-devel'),
        kernelArguments: stringList('extra kernel arguments'),
      },
    },
    nvidiaGpuOperator: {
      type: 'object',
      additionalProperties: false,
      required: ['channel', 'drivers'],
      description: 'NVIDIA GPUs through the GPU Operator (OLM), a pinned driver per pool',
      properties: {
        channel: { type: 'string', description: 'OLM channel of gpu-operator-certified, e.g. v25.3' },
        startingCSV: { type: 'string', description: 'exact operator version, e.g. gpu-operator-certified.v25.3.1 (updates then wait for approval)' },
        driverRepository: { type: 'string', default: 'nvcr.io/nvidia', description: 'registry path of the driver image (a mirror for disconnected clusters)' },
        driverImagePullSecret: { type: 'string', pattern: DNS_LABEL, description: 'Secret in nvidia-gpu-operator to pull the driver image' },
        drivers: {
          type: 'object',
          minProperties: 1,
          description: 'pool name → driver of that pool\'s GPU nodes',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['version'],
            properties: {
              version: { type: 'string', description: 'NVIDIA driver version, e.g. 570.148.08' },
              kernelModuleType: { enum: ['open', 'proprietary', 'auto'], default: 'open', description: 'open, proprietary or auto' },
            },
          },
        },
      },
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      required: ['release', 'pools'],
      properties: {
        release: { type: 'string', pattern: RELEASE, description: 'release the cluster runs (a key of releases)' },
        upgradeTo: { type: 'string', pattern: RELEASE, description: 'release the cluster is upgrading to' },
        namespace: { type: 'string', pattern: DNS_LABEL, default: 'kmods-system', description: 'namespace of loaders and builds' },
        defaultLoader: { enum: valuesOf(LoaderKind), default: LoaderKind.DAEMONSET, description: orList(valuesOf(LoaderKind)) },
        destinationServer: {
          type: 'string', pattern: '^https://',
          description: 'API server Argo CD deploys this cluster to (per cluster: https://kubernetes.default.svc; hub: the cluster\'s own)',
        },
        destinationName: { type: 'string', description: 'hub: the cluster\'s name in the hub\'s Argo CD (default: the cluster name)' },
        fluxKubeConfigSecret: { type: 'string', description: 'hub: Secret with the cluster\'s kubeconfig for Flux (default: <cluster>-kubeconfig)' },
        clusterID: {
          type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
          description: 'ClusterVersion spec.clusterID; a guard then refuses this cluster\'s objects on any other cluster',
        },
        installNodeFeatureDiscovery: { type: 'boolean', default: false, description: 'install the Node Feature Discovery operator and an instance (loaders do not need it)' },
        installKmmOperator: { type: 'boolean', default: false, description: 'install the Kernel Module Management operator through OLM' },
        kmmKernelMapping: { enum: valuesOf(KmmKernelMapping), default: KmmKernelMapping.LITERAL, description: `how KMM Modules map kernels to images: ${orList(valuesOf(KmmKernelMapping))}` },
        ignitionVersion: { enum: IgnitionVersion.ALL.map((v) => v.text), description: 'pin a lower Ignition spec version for MachineConfigs' },
        rebootlessModuleFiles: { type: 'boolean', default: false, description: 'apply modprobe.d / modules-load.d changes without reboot (4.17+)' },
        nvidiaGpuOperator: { $ref: '#/definitions/nvidiaGpuOperator' },
        pools: {
          type: 'object',
          minProperties: 1,
          description: 'node pools by name',
          propertyNames: { type: 'string', pattern: DNS_LABEL, maxLength: 50, description: 'a DNS label of at most 50 characters' },
          additionalProperties: { $ref: '#/definitions/pool' },
        },
      },
    },
  },
};
