/**
 * How user values appear in messages: never raw. Control characters (an ANSI escape would
 * repaint the terminal), invisible and direction-changing characters (a zero-width space makes
 * two different names look alike) are shown escaped as `\u200b`, and long values are cut.
 */

/** Values longer than this are cut in messages. */
export const MAX_SHOWN_CHARACTERS = 120;

/**
 * Characters that must never reach a terminal or a generated file as they are: C0 controls
 * (tab and line breaks included: a message is one line), DEL, C1 controls, invisible format
 * characters (Unicode category Cf: zero-width spaces and joiners, bidi overrides, BOM), line
 * and paragraph separators, lone surrogates and the noncharacters U+FFFE/U+FFFF.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]|\p{Cf}|\p{Cs}/gu;

/** `\u200b` for one character. */
export function escapeCharacter(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character replaced by its `\uXXXX` escape. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, escapeCharacter);
}

/** The first unsafe character of `text` and its index, or undefined. */
export function firstUnsafeCharacter(text: string): { readonly index: number; readonly character: string } | undefined {
  UNSAFE.lastIndex = 0;
  const match = UNSAFE.exec(text);
  UNSAFE.lastIndex = 0;
  return match ? { index: match.index, character: match[0] } : undefined;
}

/** A string cut to `max` characters with a note of its full length. */
export function truncate(text: string, max = MAX_SHOWN_CHARACTERS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * A value as a message shows it: strings quoted (JSON style), cut and escaped; other values
 * in JSON, cut likewise; binary data by its size only.
 */
export function displayValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return escapeUnsafe(JSON.stringify(truncate(value)));
  if (value instanceof Uint8Array) return `binary data (${value.length} bytes)`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'bigint' ? String(v) : v));
  } catch {
    json = undefined;
  }
  if (json === undefined) return escapeUnsafe(truncate(String(value)));
  return escapeUnsafe(truncate(json, MAX_SHOWN_CHARACTERS * 2));
}
