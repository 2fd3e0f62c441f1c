import * as fs from 'fs';

interface Entry {
  readonly mode: number;
  readonly data: Buffer;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/**
 * An initramfs built in memory and written as a `newc` cpio archive (what the kernel unpacks
 * into its rootfs), so the test needs no cpio tool and no staging folder with root-owned files.
 * Parent folders are added on demand; every entry is owned by root.
 */
export class Initramfs {
  private readonly entries = new Map<string, Entry>();

  /** Adds a folder (and its parents). */
  public dir(guestPath: string, mode = 0o755): this {
    const rel = relative(guestPath);
    if (rel === '' || this.entries.has(rel)) return this;
    this.parents(rel);
    this.entries.set(rel, { mode: S_IFDIR | mode, data: Buffer.alloc(0) });
    return this;
  }

  /** Adds a file with the given content. */
  public file(guestPath: string, content: string | Buffer, mode = 0o644): this {
    const rel = relative(guestPath);
    this.parents(rel);
    this.entries.set(rel, { mode: S_IFREG | mode, data: Buffer.isBuffer(content) ? content : Buffer.from(content) });
    return this;
  }

  /** Adds a copy of a host file (symlinks followed), keeping its permission bits unless `mode` is given. */
  public hostFile(guestPath: string, hostPath: string, mode?: number): this {
    const stat = fs.statSync(hostPath);
    return this.file(guestPath, fs.readFileSync(hostPath), mode ?? (stat.mode & 0o777));
  }

  /** Adds a symbolic link. */
  public symlink(guestPath: string, target: string): this {
    const rel = relative(guestPath);
    this.parents(rel);
    this.entries.set(rel, { mode: S_IFLNK | 0o777, data: Buffer.from(target) });
    return this;
  }

  /** The archive: entries in path order (a folder before its contents), then the trailer. */
  public toBuffer(): Buffer {
    const parts: Buffer[] = [];
    let ino = 1;
    const names = [...this.entries.keys()].sort();
    for (const name of names) {
      const entry = this.entries.get(name)!;
      parts.push(record(name, entry.mode, entry.data, ino++, (entry.mode & S_IFDIR) === S_IFDIR ? 2 : 1));
    }
    parts.push(record('TRAILER!!!', 0, Buffer.alloc(0), 0, 1));
    return Buffer.concat(parts);
  }

  private parents(rel: string): void {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) this.dir(parts.slice(0, i).join('/'));
  }
}

function relative(guestPath: string): string {
  return guestPath.replace(/^\/+/, '').replace(/\/+$/, '');
}

function record(name: string, mode: number, data: Buffer, ino: number, nlink: number): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'ascii');
  return Buffer.concat([header, nameBytes, pad(header.length + nameBytes.length), data, pad(data.length)]);
}

function pad(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
