/**
 * Objects an NVIDIA GPU user adds beside the library's own: the GPU Operator's ClusterPolicy with
 * its driver disabled (this library delivers the driver), and a KubeletConfig for the GPU pool.
 * Shapes follow the NVIDIA GPU Operator's OpenShift docs (ClusterPolicy `driver.enabled: false`
 * for pre-installed drivers) and OpenShift's KubeletConfig docs (`machineConfigPoolSelector`).
 */
export const CLUSTER_POLICY = {
  apiVersion: 'nvidia.com/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'gpu-cluster-policy' },
  spec: {
    operator: { defaultRuntime: 'crio' },
    daemonsets: { updateStrategy: 'RollingUpdate' },
    driver: { enabled: false },
    toolkit: { enabled: true },
    devicePlugin: { enabled: true },
    dcgm: { enabled: true },
    dcgmExporter: { enabled: true },
    gfd: { enabled: true },
    nodeStatusExporter: { enabled: true },
  },
};

export const KUBELET_CONFIG_YAML = `apiVersion: machineconfiguration.openshift.io/v1
kind: KubeletConfig
metadata:
  name: gpu-max-pods
spec:
  machineConfigPoolSelector:
    matchLabels:
      pools.operator.machineconfiguration.openshift.io/gpu: ""
  kubeletConfig:
    maxPods: 250
`;
