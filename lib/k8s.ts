/**
 * The Kubernetes API classes (cdk8s L1 constructs) the library uses, taken from cdk8s-plus-27's
 * public `k8s` export: a package may only rely on another package's public entry point, never
 * on a file inside it (`cdk8s-plus-27/lib/imports/k8s`), which can move in any release.
 */
import { k8s } from 'cdk8s-plus-27';

export import IntOrString = k8s.IntOrString;
export import KubeClusterRole = k8s.KubeClusterRole;
export import KubeClusterRoleBinding = k8s.KubeClusterRoleBinding;
export import KubeConfigMap = k8s.KubeConfigMap;
export import KubeDaemonSet = k8s.KubeDaemonSet;
export import KubeNamespace = k8s.KubeNamespace;
export import KubeRoleBinding = k8s.KubeRoleBinding;
export import KubeServiceAccount = k8s.KubeServiceAccount;
export import Quantity = k8s.Quantity;
export type Affinity = k8s.Affinity;
export type NodeSelectorRequirement = k8s.NodeSelectorRequirement;
export type PolicyRule = k8s.PolicyRule;
export type Toleration = k8s.Toleration;
export type Volume = k8s.Volume;
export type VolumeMount = k8s.VolumeMount;
export import KubeCronJob = k8s.KubeCronJob;
export import KubeRole = k8s.KubeRole;
export type Container = k8s.Container;
export type SecurityContext = k8s.SecurityContext;
