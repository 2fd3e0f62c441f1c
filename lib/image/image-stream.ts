import { MODULE_LABEL } from '../labels';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Props of `ModuleImageStream`. */
export interface ModuleImageStreamProps {
  /** ImageStream name (`moduleImage().imageStream`, the module name). */
  readonly name: string;
  /** Namespace of the builds and loaders. */
  readonly namespace: string;
  /** The module it holds images of (label `cdk8s-kmods.io/module`). */
  readonly module: string;
  /** Extra labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The ImageStream that receives a module's builds, one tag per kernel. It declares no tags:
 * `spec.tags` are for importing images from elsewhere, and each BuildConfig creates its
 * ImageStreamTag `<module>:<kernel tag>` when it pushes. `lookupPolicy.local` lets pods in the
 * namespace name the images as `<module>:<tag>`.
 */
export class ModuleImageStream extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ModuleImageStreamProps) {
    super(scope, id);
    this.name = props.name;
    new ApiObject(this, 'Resource', {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: {
          ...props.labels,
          'app.kubernetes.io/name': props.module,
          'app.kubernetes.io/component': 'kmod-image',
          [MODULE_LABEL]: props.module,
        },
      },
      spec: { lookupPolicy: { local: true } },
    });
  }
}
