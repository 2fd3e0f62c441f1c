/**
 * Renders a JSON value as a Lua 5.1 table literal (objects become string-keyed tables, arrays
 * 1-based sequences, null is left out), the way Argo CD hands a live object to a health check.
 */
export function toLuaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot render ${value} in Lua`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(toLuaLiteral).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined);
    return `{${entries.map(([k, v]) => `[${luaString(k)}] = ${toLuaLiteral(v)}`).join(', ')}}`;
  }
  throw new Error(`cannot render a ${typeof value} in Lua`);
}

function luaString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code < 0x100) out += `\\${code}`;
    else throw new Error(`non-Latin-1 character in fixture string: ${JSON.stringify(s)}`);
  }
  return `${out}"`;
}
