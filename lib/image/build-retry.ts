import { createHash } from 'node:crypto';
import { KubeConfigMap, KubeCronJob, KubeRole, KubeRoleBinding, KubeServiceAccount, Quantity } from '../k8s';
import { Construct } from 'constructs';
import { BUILD_RETRY_SCRIPT } from './build-retry-script';

/** Props of `BuildRetry`. */
export interface BuildRetryProps {
  /** Namespace of the BuildConfigs (the cluster's loader namespace). */
  readonly namespace: string;
  /** Image with `oc`, `sh` and GNU `date`: the OpenShift CLI image of the cluster's release (mirror it for disconnected clusters). */
  readonly cliImage: string;
  /** How often failed builds are looked for (cron). @default "*\/5 * * * *" */
  readonly schedule?: string;
  /** Automatic retries after a failure, before a person must step in. @default 5 */
  readonly maxRetries?: number;
  /** Wait before the first retry; each further retry waits twice as long. @default 300 */
  readonly backoffSeconds?: number;
  /** Labels of every object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Name of the retry job's objects (CronJob, ConfigMap, ServiceAccount, Role, RoleBinding). */
export const BUILD_RETRY_NAME = 'kmods-build-retry';
const SCRIPT_DIR = '/etc/kmods-build-retry';
const SCRIPT_FILE = 'kmods-build-retry.sh';

/**
 * Builds that recover without a person: a CronJob that runs `kmods-build-retry`
 * (`BUILD_RETRY_SCRIPT`) with `oc`. A failed or evicted build is restarted with `oc start-build`,
 * bounded and with exponential backoff; each BuildConfig gets annotations with its latest build's
 * phase, which the BuildConfig health checks read. Its ServiceAccount may read BuildConfigs and
 * Builds, annotate BuildConfigs and start builds, in this namespace only.
 */
export class BuildRetry extends Construct {
  constructor(scope: Construct, id: string, props: BuildRetryProps) {
    super(scope, id);
    const { namespace } = props;
    const labels = { ...props.labels, 'app.kubernetes.io/name': BUILD_RETRY_NAME, 'app.kubernetes.io/component': 'kmod-build-retry' };
    new KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: BUILD_RETRY_NAME, namespace, labels } });
    new KubeRole(this, 'Role', {
      metadata: { name: BUILD_RETRY_NAME, namespace, labels },
      rules: [
        { apiGroups: ['build.openshift.io'], resources: ['buildconfigs'], verbs: ['get', 'list', 'patch'] },
        { apiGroups: ['build.openshift.io'], resources: ['buildconfigs/instantiate'], verbs: ['create'] },
        { apiGroups: ['build.openshift.io'], resources: ['builds'], verbs: ['get'] },
      ],
    });
    new KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: BUILD_RETRY_NAME, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: BUILD_RETRY_NAME },
      subjects: [{ kind: 'ServiceAccount', name: BUILD_RETRY_NAME, namespace }],
    });
    new KubeConfigMap(this, 'Script', { metadata: { name: BUILD_RETRY_NAME, namespace, labels }, data: { [SCRIPT_FILE]: BUILD_RETRY_SCRIPT } });
    const scriptHash = createHash('sha256').update(BUILD_RETRY_SCRIPT).digest('hex');
    new KubeCronJob(this, 'Resource', {
      metadata: { name: BUILD_RETRY_NAME, namespace, labels },
      spec: {
        schedule: props.schedule ?? '*/5 * * * *',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 600,
            template: {
              metadata: { labels, annotations: { 'cdk8s-kmods.io/build-retry-script-sha256': scriptHash } },
              spec: {
                serviceAccountName: BUILD_RETRY_NAME,
                restartPolicy: 'Never',
                securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [{
                  name: 'retry',
                  image: props.cliImage,
                  command: ['/bin/sh', `${SCRIPT_DIR}/${SCRIPT_FILE}`],
                  env: [
                    { name: 'KMODS_NAMESPACE', value: namespace },
                    { name: 'KMODS_MAX_RETRIES', value: String(props.maxRetries ?? 5) },
                    { name: 'KMODS_BACKOFF_SECONDS', value: String(props.backoffSeconds ?? 300) },
                  ],
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                  resources: { requests: { cpu: Quantity.fromString('10m'), memory: Quantity.fromString('64Mi') }, limits: { memory: Quantity.fromString('256Mi') } },
                  volumeMounts: [{ name: 'script', mountPath: SCRIPT_DIR, readOnly: true }],
                }],
                volumes: [{ name: 'script', configMap: { name: BUILD_RETRY_NAME } }],
              },
            },
          },
        },
      },
    });
  }
}
