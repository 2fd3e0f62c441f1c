/** The RHCOS kernel a pool runs (MachineConfig `spec.kernelType`). */
export enum KernelType {
  /** The standard RHCOS kernel. */
  DEFAULT = 'default',
  /** The realtime kernel (`kernel-rt`); modules are built against the release's realtime kernel. */
  REALTIME = 'realtime',
  /** The 64k-pages kernel (aarch64 only). */
  SIXTY_FOUR_K_PAGES = '64k-pages',
}
