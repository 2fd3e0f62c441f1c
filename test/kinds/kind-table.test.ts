import { describe, expect, it } from 'vitest';
import { KIND_POLICIES } from '../../lib/gitops/sync-policy';
import { registerKind } from '../../lib/gitops/kind-registration';
import { kindTableEntries, lookupKindTable } from '../../lib/kinds/kind-info';
import { kindInfo } from '../../lib/kinds/kind-registry';
import { sharedAvailable } from '../support/validate';
import { allCrdFacts, ApiFact, kubernetesFacts, openShiftOpenApiDefines } from './api-facts';

describe.skipIf(!sharedAvailable())('the library\'s sync-policy table, checked against the API documents in ../shared', () => {
  const facts = [...kubernetesFacts(), ...allCrdFacts()];
  const factFor = (group: string, kind: string): ApiFact | undefined => facts.find((f) => f.group === group && f.kind === kind);

  it('every kind it generates has the scope and resource name its API defines (none skipped)', () => {
    let checked = 0;
    for (const p of KIND_POLICIES) {
      const fact = factFor(p.group, p.kind);
      if (fact) {
        expect({ namespaced: p.namespaced, resource: p.resource }, `${p.group}/${p.kind} vs ${fact.source}`).toEqual({ namespaced: fact.namespaced, resource: fact.resource });
        checked++;
      } else {
        // Aggregated OpenShift APIs (build, image) have no CRD and openshift/api's OpenAPI document has no
        // paths: check that the document defines the kind, and take scope and resource from the table that
        // scripts/generate-kind-table.ts read from openshift/api's Go types (+genclient, +genclient:nonNamespaced).
        expect(p.group, `${p.kind} has no API document in ../shared`).toMatch(/^(build|image)\.openshift\.io$/);
        expect(openShiftOpenApiDefines(p.group, 'v1', p.kind), `${p.group}/${p.kind} in openshift-api.openapi.json`).toBe(true);
        const row = lookupKindTable(p.group, p.kind)!;
        expect({ namespaced: p.namespaced, resource: p.resource }).toEqual({ namespaced: row.namespaced, resource: row.resource });
        checked++;
      }
    }
    expect(checked).toBe(KIND_POLICIES.length);
  });

  it('the generated kind table holds every kind of ../shared and data/crds, with the same scope and resource name', () => {
    expect(facts.length).toBeGreaterThan(100);
    const wrong = facts.filter((f) => {
      const row = lookupKindTable(f.group, f.kind);
      return !row || row.namespaced !== f.namespaced || row.resource !== f.resource;
    }).map((f) => `${f.group}/${f.kind} (${f.source})`);
    expect(wrong, 'run npm run kinds -- --openshift-api <checkout>').toEqual([]);
  });

  it('marks operator-installed kinds (not served by Kubernetes or OpenShift) so their dry run is skipped', () => {
    for (const [group, kind] of [['nvidia.com', 'ClusterPolicy'], ['kmm.sigs.x-k8s.io', 'Module'], ['nfd.openshift.io', 'NodeFeatureDiscovery'], ['argoproj.io', 'Application']]) {
      expect(lookupKindTable(group, kind)?.builtin, `${group}/${kind}`).toBe(false);
    }
    for (const [group, kind] of [['', 'ConfigMap'], ['machineconfiguration.openshift.io', 'KubeletConfig'], ['route.openshift.io', 'Route'], ['build.openshift.io', 'BuildConfig']]) {
      expect(lookupKindTable(group, kind)?.builtin, `${group}/${kind}`).toBe(true);
    }
  });
});

describe('the kind table', () => {
  it('has one row per group and kind, each with a scope flag and a resource name', () => {
    const entries = kindTableEntries();
    expect(entries.length).toBeGreaterThan(200);
    expect(new Set(entries.map((e) => `${e.group}/${e.kind}`)).size).toBe(entries.length);
    for (const e of entries) expect(e.resource, `${e.group}/${e.kind}`).toMatch(/^[a-z0-9]+$/);
  });
});

describe('registerKind', () => {
  it('refuses a scope or resource name that contradicts the API, a kind the library generates, and hostile names', () => {
    expect(() => registerKind({ group: 'machineconfiguration.openshift.io', kind: 'KubeletConfig', namespaced: true }))
      .toThrow(/defines KubeletConfig as cluster-scoped; given namespaced: true/);
    expect(() => registerKind({ group: 'nfd.k8s-sigs.io', kind: 'NodeFeatureGroup', namespaced: true, resource: 'nodefeaturegroup' }))
      .toThrow(/resource name is "nodefeaturegroups"/);
    // The GPU Operator preset generates ClusterPolicy: its GitOps policy is the library's.
    expect(() => registerKind({ group: 'nvidia.com', kind: 'ClusterPolicy', namespaced: false }))
      .toThrow(/the library generates this kind/);
    expect(() => registerKind({ group: 'machineconfiguration.openshift.io', kind: 'MachineConfig', namespaced: false, syncPolicy: { rebootProtected: false } }))
      .toThrow(/the library generates this kind/);
    expect(() => registerKind({ group: 'Example.com', kind: 'Widget', namespaced: true })).toThrow(/group must be/);
    expect(() => registerKind({ group: 'example.com', kind: 'widget; rm -rf /', namespaced: true })).toThrow(/kind must be/);
    expect(() => registerKind({ group: 'example.com', kind: 'Widget', namespaced: true, resource: '../x' })).toThrow(/resource/);
    expect(() => registerKind({ group: 'example.com', kind: 'Widget', namespaced: true, syncPolicy: { wave: 1.5 } })).toThrow(/wave must be an integer/);
    expect(kindInfo('example.com/v1', 'Widget')).toBeUndefined();
  });

  it('accepts the same registration twice and refuses a different one', () => {
    const first = registerKind({ group: 'example.com', kind: 'Gadget', namespaced: true });
    expect(first).toEqual({ group: 'example.com', kind: 'Gadget', namespaced: true, resource: 'gadgets', builtin: false });
    expect(registerKind({ group: 'example.com', kind: 'Gadget', namespaced: true })).toEqual(first);
    expect(() => registerKind({ group: 'example.com', kind: 'Gadget', namespaced: false })).toThrow(/already registered/);
    expect(kindInfo('example.com/v1alpha1', 'Gadget')?.namespaced).toBe(true);
  });

  it('adds a sync policy to a kind the table knows, keeping the table\'s resource name', () => {
    const reg = registerKind({ group: 'nfd.k8s-sigs.io', kind: 'NodeFeature', namespaced: true, syncPolicy: { wave: 7 } });
    expect(reg.resource).toBe('nodefeatures');
  });
});
