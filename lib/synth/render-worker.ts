/**
 * A render worker thread of RenderPool (./render-pool): replays the main thread's kind
 * registrations (registerKind), rebuilds the fleet's catalogs from its definition, then for each batch of cluster plans renders every unit (renderClusterUnit),
 * writes its files into the output folder, compares each with the previous output's file of the
 * same path, and posts what it did (PoolMessage), bumping and notifying the shared counter after
 * each post so the main thread, blocked in Atomics.wait, wakes up. It stops writing as soon as
 * the main thread sets the abort flag, and reports any exception instead of dying with it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { workerData } from 'node:worker_threads';
import { Fleet } from '../fleet/fleet';
import { fleetPropsOfDefinition } from '../fleet/fleet-definition';
import { addKindRegistration } from '../kinds/kind-registry';
import { renderClusterUnit } from './render-cluster';
import { PoolBatch, PoolMessage, PoolUnit, PoolWorkerData, SIGNAL_ABORT, SIGNAL_BUSY, SIGNAL_POSTED } from './render-pool';

const data = workerData as PoolWorkerData;
const signal = new Int32Array(data.signal);
const busy = SIGNAL_BUSY + data.slot;
const dirs = new Set<string>();

function post(message: PoolMessage): void {
  data.port.postMessage(message);
  Atomics.add(signal, SIGNAL_POSTED, 1);
  Atomics.notify(signal, SIGNAL_POSTED);
}

const aborted = (): boolean => Atomics.load(signal, SIGNAL_ABORT) !== 0;

let failed = false;
for (const kind of data.kinds) addKindRegistration(kind);
const fleet = new Fleet(fleetPropsOfDefinition(data.definition));

function renderBatch(batch: PoolBatch): void {
  for (let i = 0; i < batch.jobs.length && !aborted(); i++) {
    const { plan, previous } = batch.jobs[i];
    const rendered = renderClusterUnit(fleet.chartForPlan(plan), { gitops: fleet.gitops });
    const before = new Set(previous);
    const files: string[] = [];
    const added: string[] = [];
    const changed: string[] = [];
    for (const [relative, content] of rendered.files) {
      if (aborted()) return;
      const file = path.join(data.outputDir, relative);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(file, content);
      files.push(relative);
      if (!before.has(relative)) added.push(relative);
      else if (fs.readFileSync(path.join(data.previousDir, relative), 'utf8') !== content) changed.push(relative);
    }
    const unit: PoolUnit = {
      name: rendered.name, files, added, changed, objects: rendered.objects, view: rendered.view, warnings: rendered.warnings, errors: rendered.errors,
    };
    post({ type: 'unit', index: batch.first + i, unit });
  }
}

post({ type: 'ready' });

data.port.on('message', (batch: PoolBatch) => {
  if (failed) return;
  Atomics.store(signal, busy, 1);
  try {
    if (!aborted()) renderBatch(batch);
  } catch (e) {
    failed = true;
    const error = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', message: error.message, stack: error.stack });
  } finally {
    Atomics.store(signal, busy, 0);
    Atomics.add(signal, SIGNAL_POSTED, 1);
    Atomics.notify(signal, SIGNAL_POSTED);
  }
});
