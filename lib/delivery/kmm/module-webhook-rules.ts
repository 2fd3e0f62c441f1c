import { Problem } from '../../errors';
import { isDnsSubdomain, isLabelKey, isLabelValue } from '../../names';
import { KmmKernelMappingSpec, KmmSignSpec, RenderedKmmModule } from './kmm-module-spec';

/**
 * Longest `name + namespace` of a Module. KMM's webhook enforces 40 or 41 depending on the
 * release (`maxCombinedLength`); its docs say 39. We hold to the docs' 39 so a Module valid
 * here is valid on every KMM release.
 */
export const MAX_MODULE_NAME_AND_NAMESPACE = 39;

/** The default (and our) root of modules inside a module image. */
export const DEFAULT_DIR_NAME = '/opt';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * Checks a rendered KMM `Module` against what KMM's validating webhook
 * (`internal/webhook/module.go`) rejects, plus two rules of our own that keep mappings
 * meaningful (anchored regexps, no duplicate literals). Returns one problem per broken rule,
 * each at `path` (the cluster / pool / module the Module comes from) with the spec field in the
 * message, so the fleet fails at synth instead of at Argo CD sync.
 *
 * Not checked: `version` changing between empty and non-empty (an update rule; we never set
 * `version`), device-plugin and DRA rules (we emit neither).
 */
export function checkModuleWebhookRules(module: RenderedKmmModule, path: ReadonlyArray<string | number>): Problem[] {
  const problems: Problem[] = [];
  const subject = `KMM Module "${module.namespace}/${module.name}"`;
  const add = (field: string, message: string, given?: unknown, allowed?: string): void => {
    problems.push({ path, message: `${subject}: ${field}: ${message}`, given, allowed });
  };

  // Name and namespace.
  const combined = module.name.length + module.namespace.length;
  if (combined > MAX_MODULE_NAME_AND_NAMESPACE) {
    add('metadata.name', `name and namespace together are ${combined} characters; KMM allows at most ${MAX_MODULE_NAME_AND_NAMESPACE}`,
      `${module.name} (${module.name.length}) + ${module.namespace} (${module.namespace.length})`,
      'shorter module or pool names, or a shorter cluster namespace');
  }
  if (!isDnsSubdomain(module.name)) add('metadata.name', 'not a DNS subdomain', module.name);

  // Selector: KMM lists the nodes matching it; an empty one would target every node.
  const selector = module.spec.selector ?? {};
  if (Object.keys(selector).length === 0) add('spec.selector', 'an empty selector targets every node of the cluster');
  for (const [key, value] of Object.entries(selector)) {
    if (!isLabelKey(key) || !isLabelValue(value)) add(`spec.selector[${JSON.stringify(key)}]`, 'not a valid label', `${key}=${value}`);
  }

  (module.spec.tolerations ?? []).forEach((t, i) => {
    for (const message of tolerationProblems(t)) add(`spec.tolerations[${i}]`, message, t);
  });

  const container = module.spec.moduleLoader?.container;
  if (!container) return problems;
  const base = 'spec.moduleLoader.container';

  // In-tree removal: singular and plural are exclusive, at both levels and across them.
  if (container.inTreeModulesToRemove !== undefined && container.inTreeModuleToRemove) {
    add(base, 'inTreeModulesToRemove and the deprecated inTreeModuleToRemove are mutually exclusive');
  }
  if (container.containerImage !== undefined && !hasTagOrDigest(container.containerImage)) {
    add(`${base}.containerImage`, 'an image needs an explicit tag or digest', container.containerImage, 'repository:tag or repository@sha256:…');
  }

  const mappings = container.kernelMappings ?? [];
  if (mappings.length === 0) add(`${base}.kernelMappings`, 'a Module needs at least one kernel mapping');
  const literals = new Set<string>();
  mappings.forEach((m, i) => {
    const at = `${base}.kernelMappings[${i}]`;
    for (const message of mappingProblems(m, container.containerImage, container.inTreeModulesToRemove, container.inTreeModuleToRemove)) {
      add(at, message.text, message.given, message.allowed);
    }
    if (m.literal) {
      if (literals.has(m.literal)) add(`${at}.literal`, 'kernel mapped twice; KMM would only ever use the first mapping', m.literal);
      literals.add(m.literal);
    }
  });

  // modprobe: moduleName xor rawArgs; loading order.
  const modprobe = container.modprobe ?? {};
  const rawLoad = (modprobe.rawArgs?.load ?? []).length > 0;
  const rawUnload = (modprobe.rawArgs?.unload ?? []).length > 0;
  if (modprobe.moduleName) {
    if (rawLoad || rawUnload) add(`${base}.modprobe`, 'rawArgs cannot be set together with moduleName');
  } else if (!rawLoad || !rawUnload) {
    add(`${base}.modprobe`, 'without moduleName, both rawArgs.load and rawArgs.unload must be set');
  }
  const order = modprobe.modulesLoadingOrder;
  if (order !== undefined) {
    const at = `${base}.modprobe.modulesLoadingOrder`;
    if (order.length < 2) add(at, 'a loading order needs at least two modules', order);
    if (!modprobe.moduleName) add(at, 'a loading order needs moduleName');
    else if (order[0] !== modprobe.moduleName) add(at, `the first module must be moduleName "${modprobe.moduleName}"`, order);
    const seen = new Set<string>();
    for (const name of order) {
      if (seen.has(name)) add(at, `"${name}" appears twice`, order);
      seen.add(name);
    }
  }

  // Signing: files to sign are required and must sit under dirName.
  const dirName = modprobe.dirName ?? DEFAULT_DIR_NAME;
  for (const message of signProblems(container.sign, dirName)) add(`${base}.sign`, message.text, message.given, message.allowed);
  mappings.forEach((m, i) => {
    for (const message of signProblems(m.sign, dirName)) add(`${base}.kernelMappings[${i}].sign`, message.text, message.given, message.allowed);
  });
  return problems;
}

interface RuleMessage {
  readonly text: string;
  readonly given?: unknown;
  readonly allowed?: string;
}

/** True when the last path segment of `image` carries a tag (`:`) or the reference a digest (`@`). */
export function hasTagOrDigest(image: string): boolean {
  if (image.includes('@')) return /@[a-z0-9]+:[a-f0-9]{32,}$/.test(image);
  return image.slice(image.lastIndexOf('/') + 1).includes(':');
}

function mappingProblems(m: KmmKernelMappingSpec, defaultImage: string | undefined,
  containerPlural: ReadonlyArray<string> | undefined, containerSingular: string | undefined): RuleMessage[] {
  const out: RuleMessage[] = [];
  if (m.literal && m.regexp) out.push({ text: 'literal and regexp are mutually exclusive', given: m });
  if (!m.literal && !m.regexp) out.push({ text: 'a kernel mapping needs literal or regexp' });
  if (m.regexp) {
    const error = re2CompileError(m.regexp);
    if (error) out.push({ text: `regexp does not compile as Go RE2: ${error}`, given: m.regexp });
    else if (!isAnchored(m.regexp)) {
      out.push({ text: 'KMM matches regexps unanchored; anchor it with ^…$ so it cannot match a longer kernel', given: m.regexp });
    }
  }
  if (m.containerImage === undefined || m.containerImage === '') {
    if (!defaultImage) out.push({ text: 'no containerImage here and none on the container' });
  } else if (!hasTagOrDigest(m.containerImage)) {
    out.push({ text: 'an image needs an explicit tag or digest', given: m.containerImage, allowed: 'repository:tag or repository@sha256:…' });
  }
  if (m.inTreeModulesToRemove !== undefined && m.inTreeModuleToRemove) {
    out.push({ text: 'inTreeModulesToRemove and the deprecated inTreeModuleToRemove are mutually exclusive' });
  }
  if ((m.inTreeModulesToRemove !== undefined && containerSingular) || (m.inTreeModuleToRemove && containerPlural !== undefined)) {
    out.push({ text: 'the mapping and the container must use the same form of inTreeModule(s)ToRemove' });
  }
  return out;
}

/** True when the regexp starts with `^` or `\A` (after a flag group) and ends with an unescaped `$` or `\z`. */
function isAnchored(regexp: string): boolean {
  const body = regexp.replace(/^\(\?[imsU]+\)/, '');
  const start = body.startsWith('^') || body.startsWith('\\A');
  const trailingBackslashes = /(\\*)(\$|z)$/.exec(body);
  const end = trailingBackslashes !== null && (trailingBackslashes[2] === '$'
    ? trailingBackslashes[1].length % 2 === 0
    : trailingBackslashes[1].length % 2 === 1);
  return start && end;
}

function signProblems(sign: KmmSignSpec | undefined, dirName: string): RuleMessage[] {
  if (!sign) return [];
  const files = sign.filesToSign ?? [];
  if (files.length === 0) return [{ text: 'filesToSign is required when signing' }];
  return files.filter((f) => !f.startsWith(`${dirName}/`))
    .map((f) => ({ text: `file to sign is not under dirName "${dirName}"`, given: f, allowed: `${dirName}/…` }));
}

function tolerationProblems(t: { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }): string[] {
  const out: string[] = [];
  const key = t.key ?? '';
  if (key !== '' && !isLabelKey(key)) out.push(`key "${key}" is not a qualified name`);
  if (key === '' && t.operator !== 'Exists') out.push('operator must be Exists when key is empty');
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') out.push('tolerationSeconds needs effect NoExecute');
  const operator = t.operator ?? '';
  if (operator === 'Equal' || operator === '') {
    if (!isLabelValue(t.value ?? '')) out.push(`value "${t.value}" is not a label value`);
  } else if (operator === 'Exists') {
    if ((t.value ?? '') !== '') out.push('value must be empty when operator is Exists');
  } else {
    out.push(`operator "${operator}" is not Equal or Exists`);
  }
  if (t.effect !== undefined && t.effect !== '' && !TAINT_EFFECTS.includes(t.effect)) out.push(`effect "${t.effect}" is not one of ${TAINT_EFFECTS.join(', ')}`);
  return out;
}

/**
 * Why `pattern` would not compile in Go's `regexp` (RE2), or undefined when it compiles.
 * RE2 has no lookaround, backreferences or atomic groups; those are rejected by name (possessive
 * quantifiers such as `a++` fail in JS as well). The rest is compiled with JavaScript's RegExp after mapping Go-only
 * syntax (`(?P<name>`, `\A`, `\z`, POSIX classes, leading flag groups) to its JS form; the
 * `u` flag makes JS as strict as RE2 about unknown escapes. That catches unbalanced groups,
 * bad escapes and bad repetitions.
 */
export function re2CompileError(pattern: string): string | undefined {
  const body = pattern.replace(/\\\\/g, '');
  if (/\(\?<?[=!]/.test(body)) return 'lookahead and lookbehind are not supported';
  if (/\\[1-9]|\\k</.test(body)) return 'backreferences are not supported';
  if (/\(\?>/.test(body)) return 'atomic groups are not supported';
  let flags = 'u';
  // Go-only syntax mapped to JS equivalents: named groups, \A and \z, POSIX classes inside [...].
  let js = pattern.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$').replace(/\[:\^?[a-z]+:\]/g, 'a');
  const flagGroup = /^\(\?([imsU]+)\)/.exec(js);
  if (flagGroup) {
    if (flagGroup[1].includes('U')) return undefined;
    flags += [...new Set(flagGroup[1].split(''))].join('');
    js = js.slice(flagGroup[0].length);
  }
  try {
    new RegExp(js, flags);
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
  return undefined;
}
