import * as fs from 'fs';
import { FleetValidationError } from '../errors';

/**
 * Reading a fleet file safely: only regular files, at most `MAX_FLEET_FILE_BYTES` (a device
 * file or an endless stream is refused instead of exhausting memory), and only UTF-8 text
 * (UTF-16/32 files, with or without a byte order mark, get a message saying so; a UTF-8 byte
 * order mark is dropped).
 */

/** Largest fleet file read: a fleet of 3,000 clusters is well under 2 MiB. */
export const MAX_FLEET_FILE_BYTES = 8 * 1024 * 1024;

const fail = (file: string, message: string, location = file): never => {
  throw new FleetValidationError([{ path: [], message, location }]);
};

/** The text of a fleet file; throws a FleetValidationError naming the file when it cannot be a fleet. */
export function readFleetText(file: string): string {
  // A file that cannot be opened (ENOENT, EACCES) throws the system error, as callers expect.
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) fail(file, `not a regular file (${kindOf(stat)}); give the path of a fleet YAML file`);
    if (stat.size > MAX_FLEET_FILE_BYTES) fail(file, `the file is ${stat.size} bytes; a fleet file may be at most ${MAX_FLEET_FILE_BYTES} bytes`);
    // Read at most one byte more than allowed, whatever the size said (files can grow, /proc lies).
    const buffer = Buffer.alloc(Math.min(MAX_FLEET_FILE_BYTES + 1, Math.max(stat.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) break;
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_FLEET_FILE_BYTES) fail(file, `the file is larger than ${MAX_FLEET_FILE_BYTES} bytes, the most a fleet file may be`);
    return decodeFleetText(buffer.subarray(0, length), file);
  } finally {
    fs.closeSync(fd);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a pipe';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/** UTF-8 text of the bytes; a clear message for other encodings and for binary data. */
export function decodeFleetText(bytes: Uint8Array, file: string): string {
  const encoding = otherEncoding(bytes);
  if (encoding) fail(file, `the file is ${encoding} text; save it as UTF-8`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const at = lossy.indexOf('\ufffd');
    const before = lossy.slice(0, Math.max(at, 0));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    return fail(file, 'the file is not valid UTF-8 text (binary data or another encoding); save it as UTF-8', `${file}:${line}:${col}`);
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    fail(file, 'the file contains NUL bytes (binary data?); a fleet file is YAML text', `${file}:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`);
  }
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/** The name of a UTF-16/UTF-32 encoding the bytes are in (by byte order mark, or by the NUL pattern of ASCII text), if any. */
function otherEncoding(b: Uint8Array): string | undefined {
  if (b.length >= 4 && b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32 (big-endian)';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return 'UTF-32 (little-endian)';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'UTF-16 (big-endian)';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'UTF-16 (little-endian)';
  // Without a byte order mark: YAML starts with ASCII, so UTF-16 shows a NUL beside each of the first characters.
  if (b.length >= 4) {
    if (b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'UTF-16 (little-endian)';
    if (b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return 'UTF-16 (big-endian)';
  }
  return undefined;
}
