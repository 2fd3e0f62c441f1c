/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** Fleet sizes (clusters) to measure. @default [1000, 3000, 10000] */
  readonly sizes: ReadonlyArray<number>;
  /** Skip the naive one-App baseline (O(N²)) for sizes above this. @default 1000 */
  readonly skipNaiveAbove?: number;
  /** Runs of each measurement; the fastest is kept (the box is shared and noisy). @default 3 */
  readonly repeat: number;
  /** Write V8 CPU profiles of every child into this folder (`node --cpu-prof`). @default - no profiles */
  readonly profileDir?: string;
  /** Where to write the results as JSON. @default bench/results.json */
  readonly out: string;
  /**
   * Parent of the temporary output folders. @default /dev/shm when it is a writable folder, else
   * os.tmpdir(): on this shared box, ext4 file creation varies 5× from run to run with other
   * work on the disk and would drown the CPU cost being measured.
   */
  readonly tmpdir: string;
}

export const BENCH_USAGE = `usage: npm run bench -- [--sizes 1000,3000,10000] [--skip-naive-above N] [--repeat R] [--profile DIR] [--out FILE] [--tmpdir DIR]`;

/** Parses `argv` (without node and script); throws with the usage on anything unknown. */
export function parseBenchOptions(argv: ReadonlyArray<string>, defaultOut: string, defaultTmpdir: string): BenchOptions {
  let sizes: number[] = [1000, 3000, 10000];
  let skipNaiveAbove: number | undefined = 1000;
  let repeat = 3;
  let profileDir: string | undefined;
  let out = defaultOut;
  let tmpdir = defaultTmpdir;
  const integer = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new Error(`${flag} needs an integer ≥ ${min}, got ${JSON.stringify(value)}\n${BENCH_USAGE}`);
    }
    return n;
  };
  const text = (flag: string, value: string | undefined): string => {
    if (!value) throw new Error(`${flag} needs a value\n${BENCH_USAGE}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--sizes': sizes = text(flag, value()).split(',').map((n) => integer(flag, n.trim(), 1)); break;
      case '--skip-naive-above': skipNaiveAbove = integer(flag, value(), 0); break;
      case '--repeat': repeat = integer(flag, value(), 1); break;
      case '--profile': profileDir = text(flag, value()); break;
      case '--out': out = text(flag, value()); break;
      case '--tmpdir': tmpdir = text(flag, value()); break;
      case '--help': case '-h': throw new Error(BENCH_USAGE);
      default: throw new Error(`unknown option ${argv[i]}\n${BENCH_USAGE}`);
    }
  }
  return { sizes, skipNaiveAbove, repeat, profileDir, out, tmpdir };
}
