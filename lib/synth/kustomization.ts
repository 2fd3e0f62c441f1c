import { Yaml } from 'cdk8s';

/** The `kustomization.yaml` object for a folder holding `fileNames`. */
export function kustomizationObject(fileNames: ReadonlyArray<string>): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...fileNames].sort(),
  };
}

/**
 * A `kustomization.yaml` that lists the folder's files. It uses only `resources`, which every
 * kustomize since 2.0 (kubectl 1.14+) understands, so Argo CD, Flux and `kubectl apply -k` agree.
 */
export function renderKustomization(fileNames: ReadonlyArray<string>): string {
  return Yaml.stringify(kustomizationObject(fileNames));
}
