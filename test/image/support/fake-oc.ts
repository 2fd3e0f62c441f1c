/**
 * A small model of the `oc` commands the build retry script runs, against a state file instead of
 * an API server, for tests. It follows the documented behaviour of:
 * - `oc get <kind> -n NS [-l k=v] -o jsonpath=T` / `oc get <kind> NAME -n NS -o jsonpath=T`: kubectl's
 *   JSONPath templates (https://kubernetes.io/docs/reference/kubectl/jsonpath/): `{.a.b}` fields,
 *   `\.` for a dot inside a key, `{range .items[*]}…{end}`, `{"text"}` literals; a missing field prints
 *   nothing; a missing object exits 1 ("NotFound");
 * - `oc annotate buildconfig NAME -n NS --overwrite k=v…`: sets the annotations;
 * - `oc start-build NAME -n NS`: increments the BuildConfig's `status.lastVersion` and creates
 *   Build `NAME-<lastVersion>` in phase New (openshift/openshift-docs, "Starting a build").
 * Every call is appended to the state's `calls`.
 */
export interface FakeBuild {
  phase: string;
  completionTimestamp?: string;
  reason?: string;
}
export interface FakeOcState {
  buildConfigs: Record<string, { lastVersion: number; labels: Record<string, string>; annotations: Record<string, string> }>;
  builds: Record<string, FakeBuild>;
  calls: string[][];
}

/** The fake `oc`, a Node script: reads and writes the JSON state named by $FAKE_OC_STATE. */
export const FAKE_OC = String.raw`#!/usr/bin/env node
const fs = require('fs');
const file = process.env.FAKE_OC_STATE;
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
state.calls.push(args);
const save = () => fs.writeFileSync(file, JSON.stringify(state, null, 2));
const fail = (msg) => { save(); process.stderr.write(msg + '\n'); process.exit(1); };
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const flagValue = (prefix) => { const a = args.find((x) => x.startsWith(prefix)); return a === undefined ? undefined : a.slice(prefix.length); };
const positional = args.filter((a, i) => !a.startsWith('-') && !['-n', '-l', '-o'].includes(args[i - 1]));

function bcObject(name) {
  const bc = state.buildConfigs[name];
  return { kind: 'BuildConfig', metadata: { name, labels: bc.labels, annotations: bc.annotations }, status: { lastVersion: bc.lastVersion } };
}
function buildObject(name) {
  const b = state.builds[name];
  return { kind: 'Build', metadata: { name }, status: { ...b } };
}

// kubectl JSONPath: fields, escaped dots, range/end over a list, quoted literals.
function tokens(template) {
  const out = []; let i = 0;
  while (i < template.length) {
    if (template[i] === '{') { const j = template.indexOf('}', i); out.push({ expr: template.slice(i + 1, j) }); i = j + 1; }
    else { const j = template.indexOf('{', i); const end = j < 0 ? template.length : j; out.push({ text: template.slice(i, end) }); i = end; }
  }
  return out;
}
function field(obj, path) {
  const keys = path.replace(/^\./, '').match(/(\\\.|[^.])+/g) || [];
  let v = obj;
  for (const k of keys) { if (v === undefined || v === null) return undefined; v = v[k.replace(/\\\./g, '.')]; }
  return v;
}
function render(toks, obj) {
  let out = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.text !== undefined) { out += t.text; continue; }
    const range = /^range (\S+)\[\*\]$/.exec(t.expr);
    if (range) {
      let depth = 1, j = i + 1;
      for (; j < toks.length; j++) { if (toks[j].expr && /^range /.test(toks[j].expr)) depth++; if (toks[j].expr === 'end' && --depth === 0) break; }
      for (const item of field(obj, range[1]) || []) out += render(toks.slice(i + 1, j), item);
      i = j; continue;
    }
    const literal = /^"(.*)"$/.exec(t.expr);
    if (literal) { out += literal[1].replace(/\\n/g, '\n'); continue; }
    const v = field(obj, t.expr);
    if (v !== undefined && v !== null) out += String(v);
  }
  return out;
}

const verb = positional[0];
if (verb === 'get') {
  const kind = positional[1];
  const template = flagValue('jsonpath=') ?? (opt('-o') || '').replace(/^jsonpath=/, '');
  if (kind === 'buildconfigs') {
    const [k, v] = (opt('-l') || '=').split('=');
    const items = Object.keys(state.buildConfigs).sort().map(bcObject).filter((o) => !k || o.metadata.labels[k] === v);
    process.stdout.write(render(tokens(template), { items }));
  } else if (kind === 'build') {
    const name = positional[2];
    if (!state.builds[name]) fail('Error from server (NotFound): builds.build.openshift.io "' + name + '" not found');
    process.stdout.write(render(tokens(template), buildObject(name)));
  } else fail('fake oc: unsupported get ' + kind);
} else if (verb === 'annotate') {
  const name = positional[2];
  if (positional[1] !== 'buildconfig' || !state.buildConfigs[name]) fail('fake oc: cannot annotate ' + positional.slice(1, 3).join(' '));
  if (!args.includes('--overwrite')) fail('fake oc: annotate without --overwrite');
  for (const kv of positional.slice(3)) { const i = kv.indexOf('='); state.buildConfigs[name].annotations[kv.slice(0, i)] = kv.slice(i + 1); }
} else if (verb === 'start-build') {
  const name = positional[1];
  const bc = state.buildConfigs[name];
  if (!bc) fail('fake oc: no BuildConfig ' + name);
  bc.lastVersion += 1;
  state.builds[name + '-' + bc.lastVersion] = { phase: 'New' };
  process.stdout.write('build.build.openshift.io/' + name + '-' + bc.lastVersion + ' started\n');
} else fail('fake oc: unsupported command ' + args.join(' '));
save();
`;
