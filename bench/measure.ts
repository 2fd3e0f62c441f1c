/**
 * One bench measurement, run by bench/fleet-bench.ts in a child process of its own so the
 * peak memory is this measurement's alone. Argument: a MeasurementRequest as JSON. Prints
 * RESULT_MARKER + a MeasurementResult as JSON.
 */
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { kustomizationObject } from '../lib/synth/kustomization';
import { manifestFileName } from '../lib/synth/manifest';
import { SynthesisStage } from '../lib/synth/progress';
import { clusterFolderParts, splitClusterObjects } from '../lib/gitops/cluster-layout';
import { GitOpsCluster, renderGitOps } from '../lib/gitops/render-gitops';
import { renderFleet } from '../lib/synth/render-fleet';
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

/** Renders the fleet and saves every file's object (manifests and kustomizations) for the floor. */
function prepareFloor(request: MeasurementRequest): MeasurementResult {
  const startRssMiB = rssMiB();
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const fleet = benchFleet(request.size);
  const rendered = renderFleet(fleet);
  const input: Array<readonly [string, unknown]> = [];
  let objects = 0;
  const targets: GitOpsCluster[] = [];
  for (const [cluster, manifests] of rendered.clusters) {
    for (const [sub, part] of clusterFolderParts(splitClusterObjects(manifests, { nodeFolder: fleet.gitops?.nodeSync !== undefined }))) {
      const dir = sub ? `clusters/${cluster}/${sub}` : `clusters/${cluster}`;
      const names = part.map((m) => manifestFileName(m));
      part.forEach((m, i) => input.push([`${dir}/${names[i]}`, m]));
      input.push([`${dir}/kustomization.yaml`, kustomizationObject(names)]);
    }
    const built = fleet.cluster(cluster);
    targets.push({ name: cluster, destination: built.destination, loaderNamespace: built.loaderNamespace });
    objects += manifests.length;
  }
  // The GitOps wiring (bootstrap/ or hub/) is part of the same output.
  for (const [file, object] of renderGitOps(fleet.gitops, rendered.clusters, targets)) input.push([file, object]);
  fs.writeFileSync(request.target, JSON.stringify(input));
  return { kind: request.kind, size: request.size, ms: performance.now() - t0, cpuMs: cpuSince(cpu), maxRssMiB: peakRssMiB(), startRssMiB, objects, files: input.length };
}

function floor(request: MeasurementRequest): MeasurementResult {
  const input = JSON.parse(fs.readFileSync(request.input!, 'utf8')) as FloorInput;
  const startRssMiB = rssMiB();
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const files = writeFloor(request.target, input);
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(cpu);
  const objects = input.filter(([p]) => !p.endsWith('/kustomization.yaml')).length;
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
