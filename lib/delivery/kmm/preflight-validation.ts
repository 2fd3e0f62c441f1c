import { Construct } from 'constructs';
import * as kmm from '../../imports/kmm.sigs.x-k8s.io';
import { KernelVersion } from '../../release/kernel-version';

/** Props of `PreflightValidation`. */
export interface PreflightValidationProps {
  /** Object name (cluster-scoped). */
  readonly name: string;
  /** The kernel every Module is checked against: a kernel of the release the cluster upgrades to. */
  readonly kernel: KernelVersion;
  /**
   * The target release's Driver Toolkit image, for Modules that build. KMM wants it only when
   * some Module has a build section. @default - none (no Module builds)
   */
  readonly dtkImage?: string;
  /** Push images built during the preflight, so they exist before the nodes reboot. @default true */
  readonly pushBuiltImage?: boolean;
  /** Labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * A KMM `PreflightValidationOCP` (`kmm.sigs.x-k8s.io/v1beta2`, cluster-scoped): KMM checks
 * that every Module of the cluster has an image for `kernel`, and builds (and signs, and with
 * `pushBuiltImage` pushes) the missing ones — before the upgrade reboots nodes into that kernel.
 * One object per target kernel (KMM checks one kernel per object).
 */
export class PreflightValidation extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: PreflightValidationProps) {
    super(scope, id);
    this.name = props.name;
    new kmm.PreflightValidationOcpv1Beta2(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...props.labels },
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
      spec: {
        kernelVersion: props.kernel.full,
        ...(props.dtkImage !== undefined ? { dtkImage: props.dtkImage } : {}),
        pushBuiltImage: props.pushBuiltImage ?? true,
      },
    });
  }
}
