/** How a KMM `Module` maps node kernels to module images. */
export enum KmmKernelMapping {
  /**
   * One `literal` mapping per kernel the cluster runs or will run, each with its own explicit
   * `containerImage` (and build). Exact, and works for every kernel flavour (realtime included).
   * A kernel that is not in the release catalog gets no module.
   */
  LITERAL = 'literal',
  /**
   * One anchored `regexp` mapping with `${KERNEL_FULL_VERSION}` in the image and a build, so KMM
   * builds for kernels we do not know yet. Kernels whose release string is not a valid image tag
   * (realtime `…+rt`) still get `literal` mappings, placed first.
   */
  REGEXP = 'regexp',
}
