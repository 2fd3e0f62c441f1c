/** Which mechanism loads the module on the nodes. */
export enum LoaderKind {
  /** Our loader DaemonSet, one per (module, kernel). */
  DAEMONSET = 'daemonset',
  /** A Kernel Module Management `Module` custom resource (the KMM operator must be installed). */
  KMM = 'kmm',
}

/** How a changed loader rolls out on the nodes. */
export enum LoaderRollout {
  /** A new loader pod starts only when the old one is deleted by hand (no surprise reloads under running jobs). */
  ON_DELETE = 'OnDelete',
  /** The DaemonSet controller replaces loader pods, `maxUnavailable` nodes at a time. */
  ROLLING_UPDATE = 'RollingUpdate',
}
