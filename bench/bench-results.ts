import { MachineInfo } from './machine-info';
import { MeasurementResult } from './measurement';

/** The figures for one fleet size. Times are the fastest of the repeats, in milliseconds. */
export interface SizeResult {
  readonly clusters: number;
  readonly objects: number;
  readonly files: number;
  /** synthesizeFleet into an empty folder. */
  readonly ours: MeasurementResult;
  /** synthesizeFleet into the folder `ours` wrote, nothing changed (the usual case: dist/ exists). */
  readonly resynth: MeasurementResult;
  /** synthesizeFleet into the folder `ours` wrote, one cluster changed. */
  readonly clusterChanged: MeasurementResult;
  /** synthesizeFleet into the folder `ours` wrote, one module (loaded by every cluster) changed. */
  readonly moduleChanged: MeasurementResult;
  /** YAML.stringify of the same objects + writing the same files. */
  readonly floor: MeasurementResult;
  /** synthesizeFleet with all clusters in one cdk8s App. @default - skipped */
  readonly naive?: MeasurementResult;
  /** Wall-time ratios, and the same on CPU time (`…Cpu`, steadier when the machine is shared). */
  readonly ratios: {
    readonly oursToFloor: number;
    /** Cold synthesis as a whole process (start-up, library load, fleet construction included) to the floor. */
    readonly oursProcessToFloor: number;
    readonly resynthToFloor: number;
    readonly clusterChangedToFloor: number;
    readonly moduleChangedToFloor: number;
    /** @default - naive skipped */
    readonly naiveToFloor?: number;
    readonly oursToFloorCpu: number;
    readonly resynthToFloorCpu: number;
    /** @default - naive skipped */
    readonly naiveToFloorCpu?: number;
  };
  /** The floor wrote byte-identical cluster files to ours, and the naive run (if any) the same tree as ours. */
  readonly outputsIdentical: boolean;
}

/** One target of issue 8, evaluated on this run. */
export interface TargetResult {
  readonly name: string;
  /** The measured value (on wall time, as the issue states the targets), or undefined when the run did not include the sizes needed. */
  readonly value?: number;
  /** The same on CPU time, where that applies. @default - not applicable */
  readonly cpuValue?: number;
  readonly limit: number;
  readonly unit: string;
  /** @default - not measured */
  readonly met?: boolean;
}

/** Everything `bench/results.json` holds. */
export interface BenchResults {
  readonly date: string;
  readonly command: string;
  readonly repeat: number;
  /** Parent folder of the outputs (/dev/shm = tmpfs: the CPU cost without disk noise). */
  readonly tmpdir: string;
  readonly machine: MachineInfo;
  readonly sizes: ReadonlyArray<SizeResult>;
  readonly targets: ReadonlyArray<TargetResult>;
}
