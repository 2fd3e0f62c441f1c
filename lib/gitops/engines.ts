import { ARGOCD_ENGINE } from './argocd/argocd-engine';
import { GitOpsEngineDriver } from './engine';
import { FLUX_ENGINE } from './flux/flux-engine';
import { ENGINE_ORDER, GitOpsEngine } from './gitops-props';

const DRIVERS: ReadonlyMap<GitOpsEngine, GitOpsEngineDriver> = new Map([
  [GitOpsEngine.ARGOCD, ARGOCD_ENGINE],
  [GitOpsEngine.FLUX, FLUX_ENGINE],
]);

/** The drivers of the given engines, in ENGINE_ORDER (`both` means Argo CD and Flux). */
export function engineDrivers(engines: ReadonlyArray<GitOpsEngine>): GitOpsEngineDriver[] {
  const wanted = new Set(engines.flatMap((e) => (e === GitOpsEngine.BOTH ? ENGINE_ORDER : [e])));
  return ENGINE_ORDER.filter((e) => wanted.has(e)).map((e) => {
    const driver = DRIVERS.get(e);
    if (!driver) throw new Error(`no driver for GitOps engine ${e}`);
    return driver;
  });
}
