import { KubeConfigMap } from '../../k8s';
import { Construct } from 'constructs';

/** Props of `KmmBuildConfigMap`. */
export interface KmmBuildConfigMapProps {
  /** ConfigMap name. */
  readonly name: string;
  /** Namespace of the Modules that build from it. */
  readonly namespace: string;
  /** The Dockerfile text (KMM reads the key `dockerfile`). */
  readonly dockerfile: string;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations (e.g. Argo CD sync options). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * The ConfigMap a KMM `Module`'s `build.dockerfileConfigMap` points at: one key, `dockerfile`.
 * KMM runs it as an OpenShift Build (Docker strategy) with the build args KERNEL_FULL_VERSION,
 * KERNEL_VERSION, MOD_NAME, MOD_NAMESPACE, and DTK_AUTO when the text mentions `DTK_AUTO`.
 */
export class KmmBuildConfigMap extends Construct {
  /** The ConfigMap's name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: KmmBuildConfigMapProps) {
    super(scope, id);
    this.name = props.name;
    new KubeConfigMap(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...props.labels },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
      data: { dockerfile: props.dockerfile },
    });
  }
}
