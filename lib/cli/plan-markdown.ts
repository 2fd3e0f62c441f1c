import { ClusterChangePlan } from './plan-analysis';
import { FolderChanges } from './output-diff';

/** Everything `kmods plan` prints. */
export interface PlanDocument {
  readonly base: string;
  readonly clusters: ReadonlyArray<ClusterChangePlan>;
  /** Changes to dist/argocd and dist/flux. */
  readonly gitops: ReadonlyArray<FolderChanges>;
  /** Clusters of the fleet whose output does not change. */
  readonly unchanged: ReadonlyArray<string>;
  /** Fleet-wide warnings (preconditions, coverage). */
  readonly warnings: ReadonlyArray<string>;
}

/** Renders the plan as GitHub/GitLab-flavoured Markdown for a pull request comment. */
export function renderPlanMarkdown(plan: PlanDocument): string {
  const out: string[] = [`## kmods plan against \`${plan.base}\``, ''];
  if (plan.clusters.length === 0 && plan.gitops.length === 0) {
    out.push('**No changes**: the synthesized output is identical to the base; nothing is applied, nothing reboots.', '');
  } else {
    const rebooting = plan.clusters.flatMap((c) => c.reboots.map((r) => `\`${c.cluster}/${r.pool}\``));
    out.push(rebooting.length > 0 ? `**Reboots:** ${rebooting.join(', ')}` : '**Reboots:** none', '');
  }
  for (const c of plan.clusters) {
    out.push(`### Cluster \`${c.cluster}\``, '');
    section(out, 'Pools that drain and reboot', c.reboots.map((r) => `pool \`${r.pool}\` (${r.nodes}):\n${r.reasons.map((x) => `  - ${x}`).join('\n')}`));
    section(out, 'Node configuration applied without a reboot', c.rebootless);
    section(out, 'Modules', c.modules);
    section(out, 'Pruned by Argo CD / Flux', c.pruned.map((p) => `${p} is deleted from the cluster`));
    section(out, 'Left on the cluster (Prune=false)', c.keptOnCluster);
    section(out, 'Other changes', c.other);
    section(out, 'Warnings', c.warnings.map((w) => `:warning: ${w}`));
  }
  if (plan.gitops.length > 0) {
    out.push('### GitOps wiring', '');
    for (const g of plan.gitops) {
      for (const ch of g.changes) out.push(`- \`${g.folder}/\`: ${ch.kind} \`${ch.name}\` ${ch.change}`);
    }
    out.push('');
  }
  if (plan.unchanged.length > 0) out.push(`Unchanged clusters: ${plan.unchanged.map((c) => `\`${c}\``).join(', ')}`, '');
  section(out, 'Warnings', plan.warnings.map((w) => `:warning: ${w}`));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function section(out: string[], title: string, items: ReadonlyArray<string>): void {
  if (items.length === 0) return;
  out.push(`**${title}**`, '', ...items.map((i) => `- ${i}`), '');
}
