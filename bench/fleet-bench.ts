/**
 * Fleet-scale synthesis benchmark: `npm run bench [-- --sizes 300,1000 --skip-naive-above 1000 --repeat 3 --profile DIR]`.
 *
 * For each fleet size it measures, each in a child process of its own (so peak RSS is per
 * measurement, and the child's whole wall time is the whole-process cost): our synthesis
 * (synthesizeFleet, one App per cluster) into an empty folder (cold), then warm over that output
 * with nothing changed, with one cluster changed, and with one module changed; the floor (YAML.stringify of the same objects + writing the same
 * files); and the naive baseline (all clusters in one cdk8s App). It prints a table and the
 * issue-8 targets, and writes everything to bench/results.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchOptions, parseBenchOptions } from './bench-options';
import { BenchResults, SizeResult } from './bench-results';
import { evaluateTargets } from './bench-targets';
import { loadAverage, machineInfo } from './machine-info';
import { MeasurementKind, MeasurementRequest, MeasurementResult } from './measurement';
import { formatResultsTable } from './results-table';
import { runMeasurement } from './run-measurement';
import { sameOutput } from './same-output';

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Runs a measurement `repeat` times (setUp before each); keeps the run with the least wall time, with the least CPU time of all runs. */
function fastest(options: BenchOptions, request: MeasurementRequest, setUp: () => void = () => {}): MeasurementResult {
  let best: MeasurementResult | undefined;
  let leastCpu = Infinity;
  for (let i = 0; i < options.repeat; i++) {
    setUp();
    const r = runMeasurement(request, { profileDir: options.profileDir });
    log(`  ${request.kind.padEnd(8)} ${request.size} clusters: ${(r.ms / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU, peak ${r.maxRssMiB} MiB`);
    if (!best || r.ms < best.ms) best = r;
    leastCpu = Math.min(leastCpu, r.cpuMs);
  }
  return { ...best!, cpuMs: leastCpu };
}

function benchSize(options: BenchOptions, size: number): SizeResult {
  const work = fs.mkdtempSync(path.join(options.tmpdir, `kmods-bench-${size}-`));
  try {
    const ours = path.join(work, 'ours');
    const floorOut = path.join(work, 'floor');
    const naiveOut = path.join(work, 'naive');
    const floorInput = path.join(work, 'floor-input.json');
    const clean = (dir: string) => (): void => fs.rmSync(dir, { recursive: true, force: true });

    const pristine = path.join(work, 'pristine');
    const oursResult = fastest(options, { kind: MeasurementKind.OURS, size, target: ours }, clean(ours));
    // The cold output, kept as hard links (synthesis never changes a file in place), so each warm
    // run starts from it.
    linkTree(ours, pristine);
    const restore = (): void => { clean(ours)(); linkTree(pristine, ours); };
    const resynth = fastest(options, { kind: MeasurementKind.RESYNTH, size, target: ours }, restore);
    const clusterChanged = fastest(options, { kind: MeasurementKind.CLUSTER_CHANGED, size, target: ours }, restore);
    const moduleChanged = fastest(options, { kind: MeasurementKind.MODULE_CHANGED, size, target: ours }, restore);
    restore();
    runMeasurement({ kind: MeasurementKind.PREPARE_FLOOR, size, target: floorInput });
    const floor = fastest(options, { kind: MeasurementKind.FLOOR, size, target: floorOut, input: floorInput }, clean(floorOut));
    const runNaive = options.skipNaiveAbove === undefined || size <= options.skipNaiveAbove;
    const naive = runNaive
      ? fastest({ ...options, repeat: 1 }, { kind: MeasurementKind.NAIVE, size, target: naiveOut }, clean(naiveOut))
      : undefined;

    const outputsIdentical = sameOutput(ours, floorOut) && (!naive || sameOutput(ours, naiveOut));
    return {
      clusters: size, objects: oursResult.objects, files: oursResult.files, ours: oursResult, resynth, clusterChanged, moduleChanged, floor, naive,
      ratios: {
        oursToFloor: round(oursResult.ms / floor.ms),
        oursProcessToFloor: round((oursResult.processMs ?? oursResult.ms) / floor.ms),
        resynthToFloor: round(resynth.ms / floor.ms, 1000),
        clusterChangedToFloor: round(clusterChanged.ms / floor.ms, 1000),
        moduleChangedToFloor: round(moduleChanged.ms / floor.ms),
        naiveToFloor: naive ? round(naive.ms / floor.ms) : undefined,
        oursToFloorCpu: round(oursResult.cpuMs / floor.cpuMs),
        resynthToFloorCpu: round(resynth.cpuMs / floor.cpuMs),
        naiveToFloorCpu: naive ? round(naive.cpuMs / floor.cpuMs) : undefined,
      },
      outputsIdentical,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** /dev/shm (tmpfs) when usable, so disk noise from other work does not drown the CPU cost; else the OS temp folder. */
function defaultTmpdir(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    if (fs.statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no tmpfs here
  }
  return os.tmpdir();
}

function round(n: number, scale = 100): number {
  return Math.round(n * scale) / scale;
}

/** Copies the tree `from` to `to` as hard links (cp -al), falling back to a plain copy. */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(a, b);
    else {
      try {
        fs.linkSync(a, b);
      } catch {
        fs.copyFileSync(a, b);
      }
    }
  }
}

function main(): void {
  const defaultOut = path.join(__dirname, 'results.json');
  const options = parseBenchOptions(process.argv.slice(2), defaultOut, defaultTmpdir());
  if (options.profileDir) fs.mkdirSync(options.profileDir, { recursive: true });
  const machine = machineInfo();
  log(`bench: sizes ${options.sizes.join(', ')}, ${options.repeat} run(s) each, output under ${options.tmpdir}, load ${machine.loadAverage.start.join(' ')}`);
  const sizes: SizeResult[] = [];
  for (const size of options.sizes) sizes.push(benchSize(options, size));
  const results: BenchResults = {
    date: new Date().toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    repeat: options.repeat,
    tmpdir: options.tmpdir,
    machine: { ...machine, loadAverage: { start: machine.loadAverage.start, end: loadAverage() } },
    sizes,
    targets: evaluateTargets(sizes),
  };
  fs.writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(formatResultsTable(results));
  console.log(`\nwritten to ${path.relative(process.cwd(), options.out)}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
