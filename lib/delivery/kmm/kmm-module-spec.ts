/**
 * The subset of the KMM `Module` spec (`kmm.sigs.x-k8s.io/v1beta1`) this library emits, plus
 * the fields KMM's admission webhook looks at, so the webhook rules can be checked on exactly
 * what we render. Field names and nesting follow the CRD.
 */

/** `{ name }` reference to a Secret or ConfigMap in the Module's namespace. */
export interface KmmLocalObjectReference {
  readonly name: string;
}

/** A build argument passed to the Dockerfile. */
export interface KmmBuildArg {
  readonly name: string;
  readonly value: string;
}

/** `spec.moduleLoader.container.build` (also per kernel mapping). */
export interface KmmBuildSpec {
  /** ConfigMap holding the Dockerfile under the key `dockerfile`. */
  readonly dockerfileConfigMap?: KmmLocalObjectReference;
  /** Extra build args (KMM adds KERNEL_FULL_VERSION, KERNEL_VERSION, MOD_NAME, MOD_NAMESPACE, DTK_AUTO). @default - none */
  readonly buildArgs?: ReadonlyArray<KmmBuildArg>;
  /** Secrets mounted into the build. @default - none */
  readonly secrets?: ReadonlyArray<KmmLocalObjectReference>;
}

/** `spec.moduleLoader.container.sign` (also per kernel mapping). */
export interface KmmSignSpec {
  /** Image to sign when nothing is built. @default - the build's output */
  readonly unsignedImage?: string;
  /** Secret with the private key under the key `key`. */
  readonly keySecret?: KmmLocalObjectReference;
  /** Secret with the certificate under the key `cert`. */
  readonly certSecret?: KmmLocalObjectReference;
  /** Files (or bash globs) inside the image to sign; each must sit under `modprobe.dirName`. */
  readonly filesToSign?: ReadonlyArray<string>;
}

/** One entry of `spec.moduleLoader.container.kernelMappings`. */
export interface KmmKernelMappingSpec {
  /** The exact kernel release (`uname -r`). Exactly one of `literal` and `regexp`. @default - none */
  readonly literal?: string;
  /** A Go RE2 regexp matched (unanchored) against the kernel release. @default - none */
  readonly regexp?: string;
  /** Image for kernels this mapping matches. @default - the container's `containerImage` */
  readonly containerImage?: string;
  /** Build for kernels this mapping matches, merged over the container's build. @default - the container's build */
  readonly build?: KmmBuildSpec;
  /** Signing for kernels this mapping matches. @default - the container's sign */
  readonly sign?: KmmSignSpec;
  /** In-tree modules to remove for these kernels. @default - the container's list */
  readonly inTreeModulesToRemove?: ReadonlyArray<string>;
  /** Deprecated singular form; exclusive with the plural. @default - unset */
  readonly inTreeModuleToRemove?: string;
}

/** `spec.moduleLoader.container.modprobe`. */
export interface KmmModprobeSpec {
  /** The module modprobe loads; exclusive with `rawArgs`. @default - unset (then rawArgs load and unload are required) */
  readonly moduleName?: string;
  /** Parameters of `moduleName` (`key=value`). @default - none */
  readonly parameters?: ReadonlyArray<string>;
  /** Root of the modules in the image (`-d`). @default "/opt" */
  readonly dirName?: string;
  /** Directory in the image whose files are copied to the host firmware path. @default - no firmware */
  readonly firmwarePath?: string;
  /** `moduleName` first, then what it depends on, down to the module loaded first. @default - one module */
  readonly modulesLoadingOrder?: ReadonlyArray<string>;
  /** Replaces the whole modprobe command line. @default - unset */
  readonly rawArgs?: { readonly load?: ReadonlyArray<string>; readonly unload?: ReadonlyArray<string> };
  /** Extra modprobe arguments. @default - none */
  readonly args?: { readonly load?: ReadonlyArray<string>; readonly unload?: ReadonlyArray<string> };
}

/** `spec.moduleLoader.container`. */
export interface KmmContainerSpec {
  readonly modprobe: KmmModprobeSpec;
  /** Default image for mappings without their own. @default - every mapping names its image */
  readonly containerImage?: string;
  readonly kernelMappings: ReadonlyArray<KmmKernelMappingSpec>;
  /** @default - no build */
  readonly build?: KmmBuildSpec;
  /** @default - not signed */
  readonly sign?: KmmSignSpec;
  /** @default - none */
  readonly inTreeModulesToRemove?: ReadonlyArray<string>;
  /** Deprecated singular form; exclusive with the plural. @default - unset */
  readonly inTreeModuleToRemove?: string;
  /** Ordered-upgrade version. @default - unset */
  readonly version?: string;
}

/** A toleration as the Module (and its worker pods) carry it. */
export interface KmmToleration {
  /** @default - any key (with operator Exists) */
  readonly key?: string;
  /** @default "Equal" */
  readonly operator?: string;
  /** @default "" */
  readonly value?: string;
  /** @default - all effects */
  readonly effect?: string;
  /** @default - forever */
  readonly tolerationSeconds?: number;
}

/** `spec` of a KMM Module, as this library renders it. */
export interface KmmModuleSpec {
  /** Node labels (matchLabels) of the nodes that load the module. */
  readonly selector: Readonly<Record<string, string>>;
  readonly moduleLoader: {
    /** ServiceAccount of the worker pods. */
    readonly serviceAccountName?: string;
    readonly container: KmmContainerSpec;
  };
  /** Pull (and push) secret for the module images. @default - none */
  readonly imageRepoSecret?: KmmLocalObjectReference;
  /** @default - none */
  readonly tolerations?: ReadonlyArray<KmmToleration>;
}

/** A rendered Module: what the webhook sees. */
export interface RenderedKmmModule {
  readonly name: string;
  readonly namespace: string;
  readonly spec: KmmModuleSpec;
}
