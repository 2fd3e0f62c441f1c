import { ProblemCollector } from '../errors';
import { IgnitionVersion } from './ignition-version';

/** A file that the MCO writes on every node of the pool. */
export interface IgnitionFile {
  /** Absolute path on the node, e.g. `/etc/modprobe.d/nouveau.conf`. Parent directories are created by the MCO. */
  readonly path: string;
  /** File contents: text (written as UTF-8) or bytes. */
  readonly contents: string | Uint8Array;
  /** Permission bits, written in octal in TypeScript (`0o644`) and emitted as the decimal Ignition wants (420). @default 0o644 */
  readonly mode?: number;
}

/** A systemd drop-in (`/etc/systemd/system/<unit>.d/<name>`). */
export interface SystemdDropin {
  /** Drop-in file name, ending in `.conf`. */
  readonly name: string;
  /** Drop-in contents. */
  readonly contents: string;
}

/** A systemd unit the MCO writes, enables or masks. */
export interface SystemdUnit {
  /** Unit name with its type suffix, e.g. `load-kmod.service`. */
  readonly name: string;
  /** Unit file contents. @default - no unit file (drop-ins or masking only) */
  readonly contents?: string;
  /** Enable the unit (its contents need an `[Install]` section). @default - left as it is */
  readonly enabled?: boolean;
  /** Mask the unit. @default false */
  readonly mask?: boolean;
  /** Drop-ins for the unit. @default - none */
  readonly dropins?: ReadonlyArray<SystemdDropin>;
}

/** The Ignition object a MachineConfig carries in `spec.config`, as rendered. */
export interface IgnitionConfigObject {
  readonly ignition: { readonly version: string };
  readonly storage?: { readonly files: ReadonlyArray<Record<string, unknown>> };
  readonly systemd?: { readonly units: ReadonlyArray<Record<string, unknown>> };
}

/** Largest permission bits the MCO accepts: no setuid, setgid or sticky bits. */
export const MAX_FILE_MODE = 0o777;
/** Default permission bits of a file (0644). */
export const DEFAULT_FILE_MODE = 0o644;

const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;
const DROPIN_NAME = /^[A-Za-z0-9:_.@-]+\.conf$/;
const FILE_PATH = /^(\/[A-Za-z0-9._@+,:=%-]+)+$/;

/**
 * Sections of an Ignition config that the MCO refuses to change on a running node (it marks the
 * node Degraded) or that this library does not emit, with the reason shown to the user.
 */
const REFUSED_SECTIONS: Readonly<Record<string, string>> = {
  'kernelArguments': 'the MCO refuses changes to the ignition kernelArguments section; use the machine config\'s kernelArguments (spec.kernelArguments)',
  'passwd': 'the MCO only reconciles ssh keys and the password of user core; this library does not manage users',
  'storage.directories': 'the MCO refuses storage.directories after install; parent directories of files are created automatically',
  'storage.links': 'the MCO refuses adding storage.links after install',
  'storage.disks': 'the MCO refuses storage.disks after install',
  'storage.raid': 'the MCO refuses storage.raid after install',
  'storage.filesystems': 'the MCO refuses storage.filesystems after install',
  'storage.luks': 'the MCO refuses storage.luks after install',
  'ignition.config': 'merged or replaced remote configs are not supported; put the content in files and units',
};

/**
 * A typed Ignition config builder for MachineConfigs: files (inlined as data URLs, modes in
 * decimal), systemd units and drop-ins. It cannot express what the MCO rejects after install
 * (directories, links, `append`, the Ignition `kernelArguments` section, users), and checks
 * what it can express (modes ≤ 0777, absolute paths, unit names) with `check`.
 */
export class IgnitionConfig {
  /**
   * Reads an existing Ignition 3.x object (e.g. from an old MachineConfig). Only `storage.files`
   * with `data:` contents and `systemd.units` are taken; every other section is refused with the
   * reason, in particular `kernelArguments` (use the machine config's kernel arguments),
   * `storage.directories`, `storage.links` and file `append`.
   */
  public static fromObject(config: unknown, path: ReadonlyArray<string | number> = ['config']): IgnitionConfig {
    const problems = new ProblemCollector(path);
    const result = new IgnitionConfig();
    if (!isRecord(config)) {
      problems.add([], 'an ignition config must be an object', config);
      problems.throwIfAny();
      return result;
    }
    for (const [key, value] of Object.entries(config)) {
      if (key === 'ignition') {
        if (!isRecord(value)) problems.add(['ignition'], 'must be an object', value);
        else for (const sub of Object.keys(value)) if (sub !== 'version') refuse(problems, ['ignition', sub], `ignition.${sub}`);
      } else if (key === 'storage') {
        if (!isRecord(value)) problems.add(['storage'], 'must be an object', value);
        else for (const [sub, subValue] of Object.entries(value)) {
          if (sub === 'files') readFiles(subValue, problems, result);
          else refuse(problems, ['storage', sub], `storage.${sub}`);
        }
      } else if (key === 'systemd') {
        if (!isRecord(value)) problems.add(['systemd'], 'must be an object', value);
        else for (const [sub, subValue] of Object.entries(value)) {
          if (sub === 'units') readUnits(subValue, problems, result);
          else refuse(problems, ['systemd', sub], `systemd.${sub}`);
        }
      } else {
        refuse(problems, [key], key);
      }
    }
    problems.throwIfAny();
    result.check(problems);
    problems.throwIfAny();
    return result;
  }

  private readonly fileList: IgnitionFile[] = [];
  private readonly unitList: SystemdUnit[] = [];

  /** Adds a file. */
  public addFile(file: IgnitionFile): this {
    this.fileList.push({ path: file.path, contents: file.contents, mode: file.mode ?? DEFAULT_FILE_MODE });
    return this;
  }

  /** Adds a unit. */
  public addUnit(unit: SystemdUnit): this {
    this.unitList.push({ ...unit, dropins: [...(unit.dropins ?? [])] });
    return this;
  }

  /** Adds a drop-in to `unitName`, creating a drop-in-only unit entry when the unit is not in this config. */
  public addDropin(unitName: string, dropin: SystemdDropin): this {
    const index = this.unitList.findIndex((u) => u.name === unitName);
    if (index < 0) {
      this.unitList.push({ name: unitName, dropins: [dropin] });
    } else {
      const unit = this.unitList[index];
      this.unitList[index] = { ...unit, dropins: [...(unit.dropins ?? []), dropin] };
    }
    return this;
  }

  /** The files, in the order added. */
  public get files(): ReadonlyArray<IgnitionFile> {
    return this.fileList;
  }

  /** The units, in the order added. */
  public get units(): ReadonlyArray<SystemdUnit> {
    return this.unitList;
  }

  /** True when the config writes nothing. */
  public get isEmpty(): boolean {
    return this.fileList.length === 0 && this.unitList.length === 0;
  }

  /** Records every problem the MCO or Ignition would have with this config. */
  public check(problems: ProblemCollector): void {
    const paths = new Set<string>();
    this.fileList.forEach((file, i) => {
      const at = ['storage', 'files', i];
      const pathProblem = checkFilePath(file.path);
      if (pathProblem) problems.add([...at, 'path'], pathProblem, file.path, 'an absolute path of plain segments under /etc, /var or /usr/local');
      if (paths.has(file.path)) problems.add([...at, 'path'], 'file listed twice', file.path);
      paths.add(file.path);
      const mode = file.mode ?? DEFAULT_FILE_MODE;
      if (!Number.isInteger(mode) || mode < 0 || mode > MAX_FILE_MODE) {
        problems.add([...at, 'mode'], 'file mode must be permission bits only (the MCO rejects setuid, setgid and sticky bits)', mode,
          'an integer from 0 to 0o777 (511)');
      }
      if (typeof file.contents !== 'string' && !(file.contents instanceof Uint8Array)) {
        problems.add([...at, 'contents'], 'contents must be a string or bytes', file.contents);
      }
    });
    const units = new Set<string>();
    this.unitList.forEach((unit, i) => {
      const at = ['systemd', 'units', i];
      if (typeof unit.name !== 'string' || !UNIT_NAME.test(unit.name)) {
        problems.add([...at, 'name'], 'not a systemd unit name', unit.name, 'a name with a unit type suffix such as .service, .timer or .mount');
      }
      if (units.has(unit.name)) problems.add([...at, 'name'], 'unit listed twice; put its drop-ins in one entry', unit.name);
      units.add(unit.name);
      if (unit.enabled && unit.mask) problems.add([...at], 'a unit cannot be both enabled and masked', unit.name);
      if (unit.enabled && unit.contents !== undefined && !/^\[Install\]\s*$/m.test(unit.contents)) {
        problems.add([...at, 'contents'], 'an enabled unit needs an [Install] section', unit.name);
      }
      if (unit.contents === undefined && (unit.dropins ?? []).length === 0 && unit.enabled === undefined && !unit.mask) {
        problems.add([...at], 'the unit entry has no contents, drop-ins, enabled or mask', unit.name);
      }
      const dropins = new Set<string>();
      (unit.dropins ?? []).forEach((dropin, j) => {
        if (typeof dropin.name !== 'string' || !DROPIN_NAME.test(dropin.name)) {
          problems.add([...at, 'dropins', j, 'name'], 'not a drop-in file name', dropin.name, 'letters, digits, ":", "_", ".", "@", "-", ending in .conf');
        }
        if (dropins.has(dropin.name)) problems.add([...at, 'dropins', j, 'name'], 'drop-in listed twice', dropin.name);
        dropins.add(dropin.name);
        if (typeof dropin.contents !== 'string') problems.add([...at, 'dropins', j, 'contents'], 'drop-in contents must be a string', dropin.contents);
      });
    });
  }

  /** The Ignition object for `spec.config`, at `version`. Sections without content are left out. */
  public render(version: IgnitionVersion): IgnitionConfigObject {
    const files = this.fileList.map((file) => ({
      path: file.path,
      mode: file.mode ?? DEFAULT_FILE_MODE,
      overwrite: true,
      contents: { source: toDataUrl(file.contents) },
    }));
    const units = this.unitList.map((unit) => {
      const out: Record<string, unknown> = { name: unit.name };
      if (unit.enabled !== undefined) out.enabled = unit.enabled;
      if (unit.mask) out.mask = true;
      if (unit.contents !== undefined) out.contents = unit.contents;
      if ((unit.dropins ?? []).length > 0) out.dropins = unit.dropins!.map((d) => ({ name: d.name, contents: d.contents }));
      return out;
    });
    return {
      ignition: { version: version.text },
      ...(files.length > 0 ? { storage: { files } } : {}),
      ...(units.length > 0 ? { systemd: { units } } : {}),
    };
  }
}

/**
 * Encodes file contents as an RFC 2397 data URL: text as `data:,` with every byte outside
 * RFC 3986's unreserved set percent-encoded (readable in a diff, deterministic), bytes as
 * `data:;base64,`.
 */
export function toDataUrl(contents: string | Uint8Array): string {
  if (typeof contents !== 'string') return `data:;base64,${Buffer.from(contents).toString('base64')}`;
  let out = 'data:,';
  for (const byte of Buffer.from(contents, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes a `data:` URL; undefined when it is not one. */
export function fromDataUrl(url: string): Uint8Array | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const base64 = /;base64$/i.test(match[1]);
  if (base64) return new Uint8Array(Buffer.from(match[2], 'base64'));
  try {
    return new Uint8Array(Buffer.from(decodeURIComponent(match[2]), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Why `path` cannot be a MachineConfig file path, or undefined when it can. */
export function checkFilePath(path: unknown): string | undefined {
  if (typeof path !== 'string' || !FILE_PATH.test(path)) return 'not an absolute file path of plain segments';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'a file path may not contain "." or ".." segments';
  if (path === '/run/machine-config-daemon-force') return 'the MCO refuses to write its own force file';
  if ((path.startsWith('/usr/') && !path.startsWith('/usr/local/')) || path.startsWith('/boot/') || path.startsWith('/sysroot/')) {
    return 'the path is on the read-only OS tree of RHCOS';
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(problems: ProblemCollector, at: ReadonlyArray<string | number>, section: string): void {
  problems.add(at, REFUSED_SECTIONS[section] ?? `the ignition section ${section} is not supported`, section,
    'storage.files with data: contents and systemd.units');
}

function readFiles(value: unknown, problems: ProblemCollector, into: IgnitionConfig): void {
  if (!Array.isArray(value)) {
    problems.add(['storage', 'files'], 'must be a list', value);
    return;
  }
  value.forEach((file, i) => {
    const at = ['storage', 'files', i];
    if (!isRecord(file)) {
      problems.add(at, 'a file must be an object', file);
      return;
    }
    for (const key of Object.keys(file)) {
      if (key === 'append') problems.add([...at, 'append'], 'the MCO refuses files with append; give the whole contents', file.path);
      else if (!['path', 'mode', 'overwrite', 'contents'].includes(key)) problems.add([...at, key], 'unsupported file field', key, 'path, mode, overwrite, contents');
    }
    if (file.overwrite === false) problems.add([...at, 'overwrite'], 'files are always overwritten by this library', false, 'true or absent');
    const contents = file.contents;
    let data: string | Uint8Array | undefined = '';
    if (contents !== undefined) {
      const source = isRecord(contents) ? contents.source : undefined;
      const extra = isRecord(contents) ? Object.keys(contents).filter((k) => k !== 'source') : [];
      if (extra.length > 0) problems.add([...at, 'contents'], 'only contents.source is supported (no compression, verification or headers)', extra);
      const bytes = typeof source === 'string' ? fromDataUrl(source) : undefined;
      if (!bytes) problems.add([...at, 'contents', 'source'], 'contents must be an inline data: URL', source, 'data:,<percent-encoded> or data:;base64,<base64>');
      // Percent-encoded text stays text; base64 stays bytes, so the rendered URL keeps its form.
      data = bytes && !/^data:[^,]*;base64,/i.test(source as string) ? Buffer.from(bytes).toString('utf8') : bytes;
    }
    into.addFile({
      path: file.path as string,
      contents: data ?? new Uint8Array(),
      mode: file.mode === undefined ? undefined : (file.mode as number),
    });
  });
}

function readUnits(value: unknown, problems: ProblemCollector, into: IgnitionConfig): void {
  if (!Array.isArray(value)) {
    problems.add(['systemd', 'units'], 'must be a list', value);
    return;
  }
  value.forEach((unit, i) => {
    const at = ['systemd', 'units', i];
    if (!isRecord(unit)) {
      problems.add(at, 'a unit must be an object', unit);
      return;
    }
    for (const key of Object.keys(unit)) {
      if (!['name', 'contents', 'enabled', 'mask', 'dropins'].includes(key)) problems.add([...at, key], 'unsupported unit field', key, 'name, contents, enabled, mask, dropins');
    }
    const dropins = Array.isArray(unit.dropins) ? unit.dropins.filter(isRecord) : [];
    into.addUnit({
      name: unit.name as string,
      contents: unit.contents as string | undefined,
      enabled: unit.enabled as boolean | undefined,
      mask: unit.mask as boolean | undefined,
      dropins: dropins.map((d) => ({ name: d.name as string, contents: (d.contents as string | undefined) ?? '' })),
    });
  });
}
