/**
 * sharedYaml must be exactly `Yaml.stringify` (cdk8s's serializer) for every object, while
 * serializing once what differs only in the cluster's name. The property test throws names that
 * YAML 1.1 reads as something else (`yes`, `null`, `1e5`, `0x1f`), names that occur inside other
 * words and JSON escapes, and names in mapping keys at it.
 */
import { Yaml } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { sharedYaml } from '../../lib/synth/shared-yaml';

const TRICKY_NAMES = ['yes', 'no', 'on', 'off', 'y', 'n', 'null', 'true', 'false', '123', '1e5', '0x1f', '0o17', 'e9', 'd800', 'a', 'lab', 'api', 'kind', '2024-01-01', 'x-1', 'gpu-prod'];
const dnsLabel = fc.oneof(fc.constantFrom(...TRICKY_NAMES), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/));

/** An object built around `name`: the name alone, inside words, in keys, in numbers' places. */
function objectFor(name: string, extra: unknown): unknown {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `kmods-${name}`, labels: { 'cdk8s-kmods.io/cluster': name }, annotations: { note: `${name}: ${name}#x`, n: 5 } },
    data: { [`key-${name}`]: name, script: `#!/bin/sh\necho "${name}"\n`, list: [name, `${name}-loader`, `o${name}`, 7, true, null] },
    extra,
  };
}

const extras = fc.jsonValue({ maxDepth: 3 });

describe('sharedYaml', () => {
  test('is byte for byte Yaml.stringify, for any names and objects, first and later calls alike', () => {
    fc.assert(fc.property(fc.array(dnsLabel, { minLength: 2, maxLength: 5 }), extras, fc.boolean(), (names, extra, withKeyName) => {
      for (const name of names) {
        const object = objectFor(name, extra) as Record<string, unknown>;
        if (!withKeyName) delete (object.data as Record<string, unknown>)[`key-${name}`];
        for (let i = 0; i < 2; i++) expect(sharedYaml(object, name)).toBe(Yaml.stringify(object));
      }
    }), { numRuns: 300, seed: 16 });
  });

  test('objects that differ only in the cluster name are serialized once', () => {
    const names = ['alpha-1', 'beta-2', 'gamma-3', 'delta-4'];
    const objects = names.map((n) => {
      const o = objectFor(n, { replicas: 3 }) as { data: Record<string, unknown> };
      delete o.data[`key-${n}`]; // a name in a mapping key is never shared (tested above)
      return o;
    });
    sharedYaml(objects[0], names[0]);
    const spy = vi.spyOn(Yaml, 'stringify');
    try {
      const texts = objects.map((o, i) => sharedYaml(o, names[i]));
      // One serialization of the shared text (at the second sighting) plus the per-string checks of each new name: never the whole object per cluster.
      const wholeObjects = spy.mock.calls.filter(([doc]) => typeof doc === 'object').length;
      expect(wholeObjects).toBe(1);
      spy.mockRestore();
      texts.forEach((t, i) => expect(t).toBe(Yaml.stringify(objects[i])));
    } finally {
      spy.mockRestore();
    }
  });

  test('an object that is not plain data (undefined, class instance) is serialized every time, as cdk8s would', () => {
    class Box { constructor(public readonly v: number) {} }
    for (const extra of [undefined, [1, undefined], new Box(1), Number.NaN, -0]) {
      const object = { kind: 'X', metadata: { name: 'c-1' }, extra };
      for (let i = 0; i < 3; i++) expect(sharedYaml(object, 'c-1')).toBe(Yaml.stringify(object));
    }
  });
});
