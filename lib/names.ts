/** Kubernetes name and label rules, as the API server applies them. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** RFC 1123 label: lower-case alphanumerics and '-', at most 63 characters (Namespaces, most names). */
export function isDnsLabel(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS_LABEL.test(value);
}

/** RFC 1123 subdomain: labels joined by '.', at most 253 characters (ConfigMaps, MachineConfigs, …). */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** A label or annotation key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

/** A label value: empty, or at most 63 characters of alphanumerics, '-', '_' and '.', alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

export const DNS_LABEL_RULE = "lower-case letters, digits and '-', starting and ending with a letter or digit";
export const LABEL_VALUE_RULE = "at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";

/** An int-or-string rollout width: a whole number ≥ 1 or a percentage from 1% to 100%. */
export function isPositiveIntOrPercent(value: number | string): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1;
  const match = /^(\d{1,3})%$/.exec(String(value));
  return !!match && Number(match[1]) >= 1 && Number(match[1]) <= 100;
}

export const POSITIVE_INT_OR_PERCENT_RULE = 'a whole number ≥ 1, or a percentage from 1% to 100%';
