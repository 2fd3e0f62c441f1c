/**
 * Small hand-written objects that are valid against the shared schemas; tests mutate fresh copies
 * to prove the validator rejects what it must. Each call returns a new object.
 */
export const fixtures = {
  daemonSet: (): any => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kmod-loader-demo', namespace: 'kmods-system', labels: { 'app.kubernetes.io/name': 'demo' } },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'demo' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'demo' } },
        spec: {
          serviceAccountName: 'kmod-loader',
          nodeSelector: { 'feature.node.kubernetes.io/kernel-version.full': '5.14.0-427.13.1.el9_4.x86_64' },
          priorityClassName: 'system-node-critical',
          containers: [
            {
              name: 'loader',
              image: 'image-registry.openshift-image-registry.svc:5000/kmods-system/demo:5.14.0',
              command: ['/bin/sh', '-c', 'exec sleep infinity'],
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: 64 } },
              securityContext: { capabilities: { add: ['SYS_MODULE'] }, runAsUser: 0 },
              ports: [{ containerPort: 8080, name: 'metrics' }],
              volumeMounts: [{ name: 'lib-modules', mountPath: '/lib/modules', readOnly: true }],
            },
          ],
          volumes: [{ name: 'lib-modules', hostPath: { path: '/lib/modules', type: 'Directory' } }],
          tolerations: [{ operator: 'Exists' }],
        },
      },
    },
  }),
  namespace: (): any => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'kmods-system', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
  }),
  serviceAccount: (): any => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kmod-loader', namespace: 'kmods-system' } }),
  configMap: (): any => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'demo-script', namespace: 'kmods-system' },
    data: { 'load.sh': '#!/bin/sh\nmodprobe demo\n' },
  }),
  secret: (): any => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'signing-key', namespace: 'kmods-system' },
    type: 'Opaque',
    data: { 'key.pem': 'aGVsbG8=' },
  }),
  role: (): any => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'kmod-loader-scc', namespace: 'kmods-system' },
    rules: [{ apiGroups: ['security.openshift.io'], resources: ['securitycontextconstraints'], resourceNames: ['privileged'], verbs: ['use'] }],
  }),
  roleBinding: (): any => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'kmod-loader-scc', namespace: 'kmods-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kmod-loader-scc' },
    subjects: [{ kind: 'ServiceAccount', name: 'kmod-loader', namespace: 'kmods-system' }],
  }),
  clusterRole: (): any => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:openshift:scc:kmods' },
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
  }),
  clusterRoleBinding: (): any => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kmods-nodes' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:openshift:scc:kmods' },
    subjects: [{ kind: 'ServiceAccount', name: 'kmod-loader', namespace: 'kmods-system' }],
  }),
  priorityClass: (): any => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'kmods-loader' },
    value: 1000000,
    globalDefault: false,
  }),
  machineConfigPool: (): any => ({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name: 'gpu', labels: { 'pools.operator.machineconfiguration.openshift.io/gpu': '' } },
    spec: {
      machineConfigSelector: {
        matchExpressions: [{ key: 'machineconfiguration.openshift.io/role', operator: 'In', values: ['worker', 'gpu'] }],
      },
      nodeSelector: { matchLabels: { 'node-role.kubernetes.io/gpu': '' } },
      maxUnavailable: 1,
      paused: false,
    },
  }),
  machineConfig: (): any => ({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name: '50-gpu-kmods', labels: { 'machineconfiguration.openshift.io/role': 'gpu' } },
    spec: {
      config: {
        ignition: { version: '3.2.0' },
        storage: {
          files: [
            { path: '/etc/modprobe.d/demo.conf', mode: 420, overwrite: true, contents: { source: 'data:,blacklist%20nouveau%0A' } },
          ],
        },
        systemd: { units: [{ name: 'demo.service', enabled: true, contents: '[Unit]\nDescription=demo\n' }] },
      },
      kernelArguments: ['module_blacklist=nouveau'],
      extensions: ['kernel-devel'],
    },
  }),
  buildConfig: (): any => ({
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: { name: 'demo-5.14.0-427', namespace: 'kmods-system' },
    spec: {
      runPolicy: 'Serial',
      source: { type: 'Dockerfile', dockerfile: 'FROM registry.example/dtk@sha256:0\nRUN make\n' },
      strategy: {
        type: 'Docker',
        dockerStrategy: { buildArgs: [{ name: 'KERNEL_VERSION', value: '5.14.0-427.13.1.el9_4.x86_64' }] },
      },
      output: { to: { kind: 'ImageStreamTag', name: 'demo:5.14.0-427.13.1.el9_4.x86_64' } },
      triggers: [{ type: 'ConfigChange' }],
      resources: { limits: { cpu: '2', memory: '4Gi' } },
    },
  }),
  imageStream: (): any => ({
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'demo', namespace: 'kmods-system' },
    spec: { lookupPolicy: { local: true }, tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'quay.io/x/demo:1' } }] },
  }),
  argoApplication: (): any => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'kmods-prod-east', namespace: 'openshift-gitops', annotations: { 'argocd.argoproj.io/sync-wave': '1' } },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.example/fleet.git', path: 'dist/clusters/prod-east', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: { automated: { prune: false, selfHeal: true }, syncOptions: ['Prune=false'], retry: { limit: 5 } },
    },
  }),
  kmmModule: (): any => ({
    apiVersion: 'kmm.sigs.x-k8s.io/v1beta1',
    kind: 'Module',
    metadata: { name: 'demo', namespace: 'kmods-system' },
    spec: {
      selector: { 'node-role.kubernetes.io/gpu': '' },
      moduleLoader: {
        serviceAccountName: 'kmod-loader',
        container: {
          modprobe: { moduleName: 'demo', parameters: ['debug=1'] },
          kernelMappings: [{ literal: '5.14.0-427.13.1.el9_4.x86_64', containerImage: 'quay.io/x/demo:5.14.0' }],
        },
      },
    },
  }),
  fluxKustomization: (): any => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'kmods-prod-east', namespace: 'flux-system' },
    spec: {
      interval: '10m',
      path: './dist/clusters/prod-east',
      prune: false,
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      timeout: '5m',
    },
  }),
};
