import { ClusterFacts } from './fleet-facts';

/** The KMM release that added `PreflightValidationOCP.spec.kernelVersion` (KMM `release-2.4`, api/v1beta2). */
export const KMM_PREFLIGHT_KERNEL_VERSION_FLOOR = '2.4.0';

/** What a cluster's output needs from the cluster beyond its own objects. */
export interface Precondition {
  readonly cluster: string;
  /** `fail` when the cluster is known not to meet it; `warn` when it could not be checked. */
  readonly level: 'fail' | 'warn';
  readonly message: string;
}

/** What is known about the cluster, from the command line. */
export interface ClusterCapabilities {
  /** `spec.managementState` of `configs.imageregistry.operator.openshift.io/cluster` (Managed, Unmanaged, Removed). */
  readonly imageRegistryState?: string;
  /** The installed KMM operator version, e.g. `2.3.1`. */
  readonly kmmVersion?: string;
}

/**
 * Checks the capabilities the output relies on:
 * - builds that push to an ImageStream need the internal image registry, which is `Removed` by
 *   default on bare metal and other platforms without shared storage (OpenShift docs, "Image
 *   registry removed during installation"); KMM's own docs warn the same;
 * - a `PreflightValidationOCP` with `kernelVersion` needs KMM 2.4 or later (KMM 2.2/2.3 require
 *   `releaseImage` and reject the object at apply time).
 */
export function checkPreconditions(facts: ClusterFacts, caps: ClusterCapabilities): Precondition[] {
  const out: Precondition[] = [];
  if (facts.usesInternalRegistry) {
    const built = [...new Set(facts.images.filter((i) => i.image.startsWith('image-registry.openshift-image-registry.svc')).map((i) => i.module))];
    const fix = `set imageRepository (and imagePullSecret) on module${built.length > 1 ? 's' : ''} ${built.join(', ')} to push to a registry of your own`;
    if (caps.imageRegistryState === undefined) {
      out.push({ cluster: facts.name, level: 'warn', message: `builds of ${built.join(', ')} push to the internal image registry; it is Removed by default on bare metal `
        + `(check: oc get configs.imageregistry.operator.openshift.io cluster -o jsonpath='{.spec.managementState}'); if so, ${fix}` });
    } else if (caps.imageRegistryState === 'Removed') {
      out.push({ cluster: facts.name, level: 'fail', message: `builds of ${built.join(', ')} push to the internal image registry, which is Removed on this cluster: ${fix}, `
        + 'or enable the registry (spec.managementState: Managed with storage)' });
    }
  }
  for (const release of facts.dtkFromImageStream) {
    const tag = `openshift/driver-toolkit (tag of release ${release}'s RHCOS build)`;
    if (release === facts.upgradeTo) {
      out.push({ cluster: facts.name, level: 'warn', message: `builds for release ${release} take the Driver Toolkit from ${tag}, which the cluster `
        + 'imports only when it starts that upgrade: they run while the first nodes reboot, and those nodes wait for their modules; '
        + `set driverToolkitImage (oc adm release info ${release} --image-for=driver-toolkit) to build before the upgrade` });
    }
    if (caps.imageRegistryState === 'Removed') {
      out.push({ cluster: facts.name, level: 'fail', message: `builds for release ${release} pull the Driver Toolkit from ${tag} through the internal `
        + 'registry, which is Removed on this cluster: set driverToolkitImage by digest' });
    }
  }
  if (facts.hasPreflightValidation) {
    if (caps.kmmVersion === undefined) {
      out.push({ cluster: facts.name, level: 'warn', message: `PreflightValidationOCP with kernelVersion needs KMM ${KMM_PREFLIGHT_KERNEL_VERSION_FLOOR} or later `
        + '(check: oc get csv -n openshift-kmm; pass --kmm-version)' });
    } else if (compareVersions(caps.kmmVersion, KMM_PREFLIGHT_KERNEL_VERSION_FLOOR) < 0) {
      out.push({ cluster: facts.name, level: 'fail', message: `PreflightValidationOCP with kernelVersion needs KMM ${KMM_PREFLIGHT_KERNEL_VERSION_FLOOR} or later; `
        + `the cluster runs KMM ${caps.kmmVersion}, which rejects it at apply time: upgrade KMM first` });
    }
  }
  return out;
}

/** Reads `spec.managementState` from `oc get configs.imageregistry.operator.openshift.io cluster -o json`. */
export function imageRegistryStateOf(data: unknown): string | undefined {
  const spec = (data as { spec?: { managementState?: unknown } } | null)?.spec;
  return typeof spec?.managementState === 'string' ? spec.managementState : undefined;
}

/** Compares dotted version numbers (`v` prefix and pre-release suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => v.replace(/^v/, '').split(/[-+]/)[0].split('.').map((x) => Number(x) || 0);
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
