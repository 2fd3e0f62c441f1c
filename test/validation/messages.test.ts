/**
 * Issue 17, classes 7 and 9: what messages show. Control characters from the input never
 * reach the terminal raw, invisible characters are shown escaped, long values are cut, and
 * every message says what is allowed, with a close match when there is one.
 */
import { describe, expect, test } from 'vitest';
import { formatProblem } from '../../lib/errors';
import { displayValue } from '../../lib/validation/display';
import { closestMatch } from '../../lib/validation/suggest';
import { EXAMPLE_TEXT, fileErrorOf, RAW_UNSAFE } from './support';

describe('class 7: output hygiene', () => {
  test('an ANSI escape in a value is shown escaped, never raw', () => {
    const text = EXAMPLE_TEXT.replace('ref: main', 'ref: "main\\e[2J\\e[31mhacked"');
    const message = fileErrorOf(text).message;
    expect(message).not.toMatch(RAW_UNSAFE);
    expect(message).toContain('given "main\\u001b[2J\\u001b[31mhacked"');
  });

  test('a zero-width space is shown as \\u200b (two names that look alike are told apart)', () => {
    const text = EXAMPLE_TEXT.replace('modules: [simple-kmod]', 'modules: ["simple\u200b-kmod"]');
    const message = fileErrorOf(text).message;
    expect(message).toContain('simple\\u200b-kmod');
    expect(message).not.toMatch(RAW_UNSAFE);
  });

  test('control characters in keys are escaped in the path too', () => {
    const text = EXAMPLE_TEXT.replace('          greeting: "hello from cdk8s-kmods"', '          "a\\e]0;title\\a": "1"');
    const message = fileErrorOf(text).message;
    expect(message).not.toMatch(RAW_UNSAFE);
    expect(message).toContain('\\u001b]0;title\\u0007');
  });

  test('a 50 MB value is cut in the message', () => {
    const huge = 'x'.repeat(50 * 1024 * 1024);
    const line = formatProblem({ path: ['modules', 'm', 'version'], message: 'too long', given: huge });
    expect(line.length).toBeLessThan(400);
    expect(line).toContain(`… (${huge.length} characters)`);
  });

  test('binary data is described by its size', () => {
    expect(displayValue(new Uint8Array(10_000))).toBe('binary data (10000 bytes)');
  });

  test('a long value in fleet.yaml is cut in the message', () => {
    const text = EXAMPLE_TEXT.replace('ref: main', `ref: ${'m'.repeat(10_000)}`);
    const message = fileErrorOf(text).message;
    expect(message.length).toBeLessThan(1_000);
    expect(message).toContain('(10000 characters)');
  });
});

describe('class 9: "allowed …" and close matches', () => {
  test('an unknown module lists the catalog and suggests the close match', () => {
    const text = EXAMPLE_TEXT.replace('modules: [simple-kmod]', 'modules: [simple-kmd]');
    expect(fileErrorOf(text).message).toContain('clusters.lab.pools.lab.modules[0]: cluster "lab", pool "lab": no such module in the fleet\'s module catalog; given "simple-kmd"; allowed: nvidia, gpfs, simple-kmod (did you mean "simple-kmod"?)');
  });

  test('an unknown release lists the catalog and suggests the close match', () => {
    const text = EXAMPLE_TEXT.replace('  lab:\n    release: "4.19.3"', '  lab:\n    release: "4.19.31"');
    expect(fileErrorOf(text).message).toContain('allowed: 4.18.12, 4.19.3 (did you mean "4.19.3"?)');
  });

  test('a misspelt field suggests the field', () => {
    const text = EXAMPLE_TEXT.replace('maxUnavailable: "50%"', 'maxUnavailble: "50%"');
    expect(fileErrorOf(text).message).toMatch(/clusters\.lab\.pools\.lab\.maxUnavailble: cluster "lab", pool "lab": unknown field; given "maxUnavailble"; allowed: nodeSelector, maxUnavailable, .* \(did you mean "maxUnavailable"\?\)/);
  });

  test('a misspelt enum value suggests the value', () => {
    const text = EXAMPLE_TEXT.replace('rollout: RollingUpdate', 'rollout: RolingUpdate');
    expect(fileErrorOf(text).message).toContain('allowed: "OnDelete", "RollingUpdate" (did you mean "RollingUpdate"?)');
  });

  test('no suggestion when nothing is close', () => {
    expect(closestMatch('zzzzzz', ['nvidia', 'gpfs'])).toBeUndefined();
    expect(closestMatch('NVIDIA', ['nvidia', 'gpfs'])).toBe('nvidia');
    expect(closestMatch('nivdia', ['nvidia', 'gpfs'])).toBe('nvidia');
  });

  test('every problem of a broken example says what is allowed', () => {
    const text = EXAMPLE_TEXT
      .replace('modules: [simple-kmod]', 'modules: [simple-kmd]')
      .replace('rollout: RollingUpdate', 'rollout: Sometimes')
      .replace('kernelType: realtime', 'kernelType: turbo')
      .replace('defaultLoader: kmm\n    installKmmOperator', 'defaultLoader: kmn\n    installKmmOperator');
    const error = fileErrorOf(text);
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of error.problems) expect(problem.allowed, formatProblem(problem)).toBeTruthy();
  });
});

describe('every problem at once', () => {
  test('a schema problem in one cluster does not hide rule problems in another', () => {
    const text = EXAMPLE_TEXT
      .replace('maxUnavailable: "50%"', 'maxUnavailable: "150%"')
      .replace('  gpu-prod:\n    release: "4.18.12"\n', '  gpu-prod:\n    release: "4.18.12"\n    namespace: kube-system\n');
    const lines = fileErrorOf(text).message.split('\n').slice(1);
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes('clusters.lab.pools.lab.maxUnavailable'))).toBe(true);
    expect(lines.some((l) => l.includes('clusters.gpu-prod.namespace'))).toBe(true);
  });
});
