/**
 * One bench measurement, run by bench/fleet-bench.ts in a child process of its own so the
 * peak memory is this measurement's alone. Argument: a MeasurementRequest as JSON. Prints
 * RESULT_MARKER + a MeasurementResult as JSON.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { SynthesisStage } from '../lib/synth/progress';
import { BootstrapMode } from '../lib/gitops/gitops-props';
import { clusterUnitObjects } from '../lib/synth/render-cluster';
import { synthesizeFleet } from '../lib/synth/synthesize-fleet';
import { benchFleet } from './bench-fleet';
import { FloorInput, writeFloor } from './floor';
import { naiveSynth } from './naive-synth';
import { MeasurementKind, MeasurementRequest, MeasurementResult, RESULT_MARKER } from './measurement';

const MiB = 1024 * 1024;
const rssMiB = (): number => Math.round(process.memoryUsage().rss / MiB);
const cpuSince = (start: NodeJS.CpuUsage): number => { const d = process.cpuUsage(start); return (d.user + d.system) / 1000; };
const peakRssMiB = (): number => Math.round((process.resourceUsage().maxRSS * 1024) / MiB);

/** NAIVE: every cluster in one cdk8s App, rendered with cdk8s's Chart.toJson() (see naive-synth.ts). */
function naive(request: MeasurementRequest): MeasurementResult {
  const startRssMiB = rssMiB();
  const t0 = performance.now();
  const fleet = benchFleet(request.size, { appPerCluster: false });
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const { objects, files } = naiveSynth(fleet, request.target);
  const t2 = performance.now();
  return {
    kind: request.kind, size: request.size, ms: t2 - t1, cpuMs: cpuSince(cpu), constructMs: t1 - t0,
    maxRssMiB: peakRssMiB(), startRssMiB, objects, files,
  };
}

/** OURS, RESYNTH, CLUSTER_CHANGED, MODULE_CHANGED: synthesizeFleet of the bench fleet (edited for the last two), one App per cluster. */
function synth(request: MeasurementRequest): MeasurementResult {
  const startRssMiB = rssMiB();
  const t0 = performance.now();
  const edit = request.kind === MeasurementKind.CLUSTER_CHANGED ? 'cluster' : request.kind === MeasurementKind.MODULE_CHANGED ? 'module' : undefined;
  const fleet = benchFleet(request.size, { edit });
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  let swapStart = t1;
  const report = synthesizeFleet(fleet, {
    outdir: request.target,
    onProgress: (p) => { if (p.stage === SynthesisStage.SWAP) swapStart = performance.now(); },
  });
  const t2 = performance.now();
  const cpuMs = cpuSince(cpu);
  return {
    kind: request.kind, size: request.size, ms: t2 - t1, cpuMs, constructMs: t1 - t0, renderMs: swapStart - t1, swapMs: t2 - swapStart,
    maxRssMiB: peakRssMiB(), startRssMiB, objects: report.objects, files: report.files, rendered: report.rendered,
  };
}

/**
 * Renders the fleet one cluster at a time and appends every file's object (manifests,
 * kustomizations, the per-cluster wiring) to the floor's input, one JSON line per file
 * (`[path, object]`), so neither this process nor the file's text grows with the fleet.
 */
function prepareFloor(request: MeasurementRequest): MeasurementResult {
  const startRssMiB = rssMiB();
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const fleet = benchFleet(request.size);
  if (fleet.gitops?.bootstrap === BootstrapMode.HUB) throw new Error('the floor input is made per cluster; the bench fleet has no hub wiring');
  const fd = fs.openSync(request.target, 'w');
  let objects = 0;
  let files = 0;
  try {
    for (const name of fleet.clusterNames) {
      const unit = clusterUnitObjects(fleet.chartForSynthesis(name), { gitops: fleet.gitops });
      if (unit.errors.length > 0) throw new Error(unit.errors.join('\n'));
      fs.writeSync(fd, unit.entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      objects += unit.objects;
      files += unit.entries.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { kind: request.kind, size: request.size, ms: performance.now() - t0, cpuMs: cpuSince(cpu), maxRssMiB: peakRssMiB(), startRssMiB, objects, files };
}

/** The floor's input: every line of the file PREPARE_FLOOR wrote, parsed (read in chunks: the file may exceed a string's maximum length). */
function readFloorInput(file: string): FloorInput {
  const input: Array<readonly [string, unknown]> = [];
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  let rest = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const lines = (rest + chunk.toString('utf8', 0, n)).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line) input.push(JSON.parse(line) as readonly [string, unknown]);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (rest) input.push(JSON.parse(rest) as readonly [string, unknown]);
  return input;
}

function floor(request: MeasurementRequest): MeasurementResult {
  const input = readFloorInput(request.input!);
  const startRssMiB = rssMiB();
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const files = writeFloor(request.target, input);
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu);
  const objects = input.filter(([p]) => !p.endsWith('/kustomization.yaml') && !p.startsWith('bootstrap/')).length;
  return { kind: request.kind, size: request.size, ms, cpuMs, maxRssMiB: peakRssMiB(), startRssMiB, objects, files };
}

function measure(request: MeasurementRequest): MeasurementResult {
  switch (request.kind) {
    case MeasurementKind.OURS:
    case MeasurementKind.RESYNTH:
    case MeasurementKind.CLUSTER_CHANGED:
    case MeasurementKind.MODULE_CHANGED: return synth(request);
    case MeasurementKind.NAIVE: return naive(request);
    case MeasurementKind.PREPARE_FLOOR: return prepareFloor(request);
    case MeasurementKind.FLOOR: return floor(request);
    default: throw new Error(`unknown measurement ${String(request.kind)}`);
  }
}

const result = measure(JSON.parse(process.argv[2]) as MeasurementRequest);
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
