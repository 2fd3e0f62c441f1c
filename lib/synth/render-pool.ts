import { createRequire } from 'node:module';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { FleetDefinition } from '../fleet/fleet-definition';
import { kindRegistrations, KindRegistration } from '../kinds/kind-registry';
import type { ClusterPlan } from '../plan/cluster-plan';
import type { Manifest } from './manifest';

/** One cluster unit for a worker: its plan and the files of the unit the previous output holds. */
export interface PoolJob {
  readonly plan: ClusterPlan;
  /** Paths (relative to the output folder) of the unit's files in the previous output. */
  readonly previous: ReadonlyArray<string>;
}

/** What a worker rendered and wrote of one cluster unit (see RenderedClusterUnit). */
export interface PoolUnit {
  readonly name: string;
  /** Every file written (relative to the output folder), in the unit's order; empty when `errors` is not. */
  readonly files: ReadonlyArray<string>;
  /** Of `files`, those the previous output does not hold. */
  readonly added: ReadonlyArray<string>;
  /** Of `files`, those whose previous content differs. */
  readonly changed: ReadonlyArray<string>;
  readonly objects: number;
  readonly view: ReadonlyArray<Manifest>;
  readonly warnings: ReadonlyArray<string>;
  readonly errors: ReadonlyArray<string>;
}

/** Where the workers of a RenderPool write. */
export interface RenderPoolOptions {
  /** Worker threads to start (at most one per batch). */
  readonly workers: number;
  /** The fleet's catalogs and GitOps props (see Fleet.definition). */
  readonly definition: FleetDefinition;
  /** Folder each unit's files are written into (created as needed), e.g. a staging folder. */
  readonly outputDir: string;
  /** Folder the written files are compared with (the previous output). */
  readonly previousDir: string;
  /** Clusters per batch a worker takes at a time. @default 8 */
  readonly batchSize?: number;
}

/** Messages from the main thread to a worker. */
export interface PoolBatch {
  readonly first: number;
  readonly jobs: ReadonlyArray<PoolJob>;
}

/** Messages from a worker to the main thread. */
export type PoolMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'unit'; readonly index: number; readonly unit: PoolUnit }
  | { readonly type: 'error'; readonly index?: number; readonly message: string; readonly stack?: string };

/** Data each worker starts with. */
export interface PoolWorkerData {
  readonly definition: FleetDefinition;
  /** The process-wide kind registrations (registerKind) of the main thread, replayed first. */
  readonly kinds: ReadonlyArray<KindRegistration>;
  readonly outputDir: string;
  readonly previousDir: string;
  readonly port: MessagePort;
  /** See SIGNAL_*. */
  readonly signal: SharedArrayBuffer;
  /** This worker's slot in `signal` (SIGNAL_BUSY + slot). */
  readonly slot: number;
}

/** Index in the signal array: a counter every worker bumps (and notifies) after posting. */
export const SIGNAL_POSTED = 0;
/** Index in the signal array: set to 1 by the main thread to stop the workers writing. */
export const SIGNAL_ABORT = 1;
/** Index in the signal array of worker 0's busy flag (1 while it works on a batch); worker i uses SIGNAL_BUSY + i. */
export const SIGNAL_BUSY = 2;

/**
 * Test-only environment variable: when `1`, `RenderPool.next()` waits for the workers instead of
 * returning undefined while none is ready, so every unit is rendered by a worker (tests of the
 * worker path need that; a worker that is not ready within a minute fails the run).
 */
export const WAIT_FOR_WORKERS_ENV = 'KMODS_TEST_WAIT_FOR_WORKERS';

/** How long the pool waits without any message from its workers before it gives up. */
const STALL_MS = 5 * 60_000;

/**
 * The least number of cluster units for which the default starts workers (see defaultWorkerCount).
 * Measured on 2 cores (bench fleet, tsx): with workers 400 clusters took 4.3 s against 3.5 s on one
 * thread (each worker first loads the library, ~1.3 s of CPU), 1,000 clusters 8.3 s against 10.2 s.
 */
export const MIN_UNITS_FOR_WORKERS = 600;

/**
 * The number of workers synthesis starts by default for `units` clusters to render: one per CPU
 * core (os.availableParallelism) when there are at least MIN_UNITS_FOR_WORKERS and more than one
 * core, else 0 (render in-process): starting a worker (loading the library) costs about as much
 * as rendering a few dozen clusters.
 */
export function defaultWorkerCount(units: number): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return units >= MIN_UNITS_FOR_WORKERS && cores > 1 ? cores : 0;
}

/**
 * Worker threads that render cluster units from their plans and write each unit's files
 * themselves (see render-worker.ts), behind a synchronous interface: `next()` blocks (Atomics.wait
 * on a SharedArrayBuffer the workers notify after posting, messages drained with
 * receiveMessageOnPort) until the next unit in job order is done. Jobs go out in small batches
 * from a queue, so every worker stays busy, and never too far ahead of the unit asked for.
 * Until the first worker has loaded the library and is ready (a second or two), `next()`
 * returns undefined: the caller renders that unit itself, so no core idles meanwhile (and should
 * no worker ever start, everything is rendered by the caller).
 * `close()` (always call it, also after an error) stops the workers from writing, waits until
 * none is writing, and terminates them.
 */
export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal: Int32Array;
  private readonly batchSize: number;
  /** Batches handed to each worker and not yet done, as their last job index + 1. */
  private readonly inFlight: number[][] = [];
  private readonly done = new Map<number, PoolUnit>();
  /** Workers that have loaded the library (only they get batches). */
  private readonly ready: boolean[] = [];
  private nextJob = 0;
  private nextResult = 0;
  private closed = false;
  private startedWaiting?: number;
  /** When a worker last posted anything (or the pool started). */
  private lastMessage = Date.now();

  constructor(private readonly jobs: ReadonlyArray<PoolJob>, options: RenderPoolOptions) {
    this.batchSize = Math.max(1, options.batchSize ?? 8);
    const count = Math.max(1, Math.min(options.workers, Math.ceil(jobs.length / this.batchSize)));
    const shared = new SharedArrayBuffer(4 * (SIGNAL_BUSY + count));
    this.signal = new Int32Array(shared);
    const script = workerScript();
    const kinds: KindRegistration[] = kindRegistrations().map((k) => ({
      group: k.group, kind: k.kind, namespaced: k.namespaced, resource: k.resource, ...(k.syncPolicy ? { syncPolicy: k.syncPolicy } : {}),
    }));
    try {
      for (let slot = 0; slot < count; slot++) {
        const { port1, port2 } = new MessageChannel();
        const workerData: PoolWorkerData = {
          definition: options.definition, kinds, outputDir: options.outputDir, previousDir: options.previousDir, port: port2, signal: shared, slot,
        };
        const worker = new Worker(script.file, { workerData, transferList: [port2], ...(script.execArgv ? { execArgv: script.execArgv } : {}), stdout: false, stderr: false });
        worker.unref();
        // Errors are posted on the port; this only keeps an 'error' event from being unhandled.
        worker.on('error', () => {});
        this.workers.push(worker);
        this.ports.push(port1);
        this.inFlight.push([]);
        this.ready.push(false);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * The next unit in job order, waiting for it, or undefined when no worker took it (none is
   * ready yet): the caller renders that one itself. Throws what a worker threw.
   */
  public next(): PoolUnit | undefined {
    if (this.closed) throw new Error('the render pool is closed');
    if (this.nextResult >= this.jobs.length) throw new Error('no more cluster units to render');
    for (;;) {
      const seen = Atomics.load(this.signal, SIGNAL_POSTED);
      const received = this.drain();
      const unit = this.done.get(this.nextResult);
      if (unit) {
        this.done.delete(this.nextResult);
        this.nextResult += 1;
        return unit;
      }
      if (this.nextJob === this.nextResult) {
        // Not handed out: no worker is ready yet.
        if (this.waitForWorkers(seen)) continue;
        this.nextJob += 1;
        this.nextResult += 1;
        return undefined;
      }
      if (!received) {
        // A worker that dies without throwing (out of memory) posts nothing more.
        if (Date.now() - this.lastMessage > STALL_MS) throw new Error(`the render worker threads posted nothing for ${STALL_MS / 60_000} minutes; one probably died (out of memory?)`);
        Atomics.wait(this.signal, SIGNAL_POSTED, seen, 1000);
      }
    }
  }

  /**
   * Stops the workers: none starts writing another file, the main thread waits (up to a few
   * seconds) until none is writing, then terminates them. Safe to call more than once.
   */
  public close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.signal, SIGNAL_ABORT, 1);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const seen = Atomics.load(this.signal, SIGNAL_POSTED);
      let busy = false;
      for (let slot = 0; slot < this.workers.length; slot++) busy ||= Atomics.load(this.signal, SIGNAL_BUSY + slot) !== 0;
      if (!busy || Date.now() > deadline) break;
      Atomics.wait(this.signal, SIGNAL_POSTED, seen, 100);
    }
    for (const port of this.ports) port.close();
    for (const worker of this.workers) void worker.terminate();
  }

  /** With WAIT_FOR_WORKERS_ENV: true (after waiting for a message), or throws when no worker got ready in time. */
  private waitForWorkers(seen: number): boolean {
    if (process.env[WAIT_FOR_WORKERS_ENV] !== '1') return false;
    this.startedWaiting ??= Date.now();
    if (Date.now() - this.startedWaiting > 60_000) throw new Error(`no render worker got ready within a minute (${WAIT_FOR_WORKERS_ENV}=1)`);
    Atomics.wait(this.signal, SIGNAL_POSTED, seen, 1000);
    return true;
  }

  /** Takes every message posted so far; true when there was any. */
  private drain(): boolean {
    let any = false;
    for (let slot = 0; slot < this.ports.length; slot++) {
      for (let received = receiveMessageOnPort(this.ports[slot]); received; received = receiveMessageOnPort(this.ports[slot])) {
        any = true;
        this.lastMessage = Date.now();
        const message = received.message as PoolMessage;
        if (message.type === 'ready') {
          this.ready[slot] = true;
          continue;
        }
        if (message.type === 'error') {
          const error = new Error(message.message);
          if (message.stack) error.stack = `${message.stack}\n    at (a render worker thread)`;
          throw error;
        }
        this.done.set(message.index, message.unit);
        const batches = this.inFlight[slot];
        while (batches.length > 0 && this.done.has(batches[0] - 1)) batches.shift();
      }
      this.fill(slot);
    }
    return any;
  }

  /** Hands worker `slot`, when ready, batches until it has two, without running far ahead of the unit asked for. */
  private fill(slot: number): void {
    if (!this.ready[slot]) return;
    const window = this.nextResult + this.batchSize * this.workers.length * 4;
    while (this.inFlight[slot].length < 2 && this.nextJob < this.jobs.length && this.nextJob < window) {
      const first = this.nextJob;
      const end = Math.min(this.jobs.length, first + this.batchSize);
      const batch: PoolBatch = { first, jobs: this.jobs.slice(first, end) };
      this.ports[slot].postMessage(batch);
      this.inFlight[slot].push(end);
      this.nextJob = end;
    }
  }
}

/**
 * The worker script beside this file: render-worker.js in the compiled package, or
 * render-worker.ts when this library runs from its sources (under tsx: the worker then loads
 * tsx's CommonJS hook, `--require tsx/cjs`, since a worker does not inherit the ESM loader
 * `tsx` or `node --import tsx` registered).
 */
function workerScript(): { file: string; execArgv?: string[] } {
  const extension = path.extname(__filename);
  const file = path.join(__dirname, `render-worker${extension}`);
  if (extension !== '.ts') return { file };
  return { file, execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
}
