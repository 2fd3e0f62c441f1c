import { ApiObject } from 'cdk8s';

/**
 * An ApiObject of a cluster-scoped kind (MachineConfig, MachineConfigPool, MachineConfiguration).
 * cdk8s stamps the Chart's `namespace` on every object, cluster-scoped ones included; this class
 * leaves `metadata.namespace` out so the YAML matches what the API server stores.
 */
export class ClusterScopedApiObject extends ApiObject {
  public toJson(): any {
    const json = super.toJson();
    if (json.metadata) delete json.metadata.namespace;
    return json;
  }
}
