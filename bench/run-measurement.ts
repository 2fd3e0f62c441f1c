import { spawnSync } from 'child_process';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { MeasurementKind, MeasurementRequest, MeasurementResult, RESULT_MARKER } from './measurement';

/** Options of `runMeasurement`. */
export interface RunMeasurementOptions {
  /** Write a V8 CPU profile of the child into this folder. @default - no profile */
  readonly profileDir?: string;
}

/** Runs one measurement in a fresh Node process (`node --import tsx bench/measure.ts`) and returns its result. */
export function runMeasurement(request: MeasurementRequest, options: RunMeasurementOptions = {}): MeasurementResult {
  const profile = options.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${request.kind}-${request.size}-${Date.now()}.cpuprofile`]
    : [];
  // The floor holds every object of the fleet in memory (that is what it measures), which at
  // 10,000 clusters is more than V8's default heap limit; our synthesis runs with the defaults.
  const heap = request.kind === MeasurementKind.FLOOR ? ['--max-old-space-size=16384'] : [];
  const start = performance.now();
  const child = spawnSync(process.execPath, [...profile, ...heap, '--import', 'tsx', path.join(__dirname, 'measure.ts'), JSON.stringify(request)], {
    cwd: path.resolve(__dirname, '..'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (child.status !== 0 || !line) {
    throw new Error(`bench child ${request.kind} ${request.size} failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
  }
  const processMs = performance.now() - start;
  return { ...(JSON.parse(line.slice(RESULT_MARKER.length)) as MeasurementResult), processMs };
}
