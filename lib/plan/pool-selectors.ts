/**
 * True when some valid node could carry the labels of both selectors. Equality selectors are
 * disjoint when they require different values for the same key, or different custom roles
 * (`node-role.kubernetes.io/<role>`, other than `worker`): a node with two custom roles is
 * refused by the MCO anyway, so the role labels of the MCO's custom-pool pattern are exclusive.
 */
export function poolsCanShareNodes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const valuesDiffer = Object.entries(a).some(([key, value]) => key in b && b[key] !== value);
  const mine = customRoles(a);
  const theirs = customRoles(b);
  return !valuesDiffer && !mine.some((x) => theirs.some((y) => x !== y));
}

/** The custom node roles a selector requires (`node-role.kubernetes.io/<role>` keys other than worker). */
function customRoles(selector: Readonly<Record<string, string>>): string[] {
  const prefix = 'node-role.kubernetes.io/';
  return Object.keys(selector).filter((k) => k.startsWith(prefix) && k !== `${prefix}worker`);
}
