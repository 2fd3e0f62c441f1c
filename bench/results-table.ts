import { BenchResults } from './bench-results';
import { MeasurementResult } from './measurement';

const s = (ms: number): string => (ms / 1000).toFixed(2);
const x = (r: number | undefined): string => (r === undefined ? '–' : `${r.toFixed(2)}×`);
const timeMem = (m: MeasurementResult | undefined): [string, string] => (m ? [s(m.ms), String(m.maxRssMiB)] : ['skipped', '–']);

/** The results as a Markdown table (readable in a terminal and pasteable into the README), then the targets. */
export function formatResultsTable(results: BenchResults): string {
  const header = ['clusters', 'objects', 'files', 'ours s', 'ours MiB', 're-synth s', 're-synth MiB', 'floor s', 'floor MiB',
    'ours/floor', 're-synth/floor', 'naive s', 'naive MiB', 'naive/floor', 'CPU ours/floor', 'CPU re-synth/floor', 'CPU naive/floor', 'same output'];
  const rows = results.sizes.map((r) => [
    String(r.clusters), String(r.objects), String(r.files), ...timeMem(r.ours), ...timeMem(r.resynth), ...timeMem(r.floor),
    x(r.ratios.oursToFloor), x(r.ratios.resynthToFloor), ...timeMem(r.naive), x(r.ratios.naiveToFloor),
    x(r.ratios.oursToFloorCpu), x(r.ratios.resynthToFloorCpu), x(r.ratios.naiveToFloorCpu), r.outputsIdentical ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  const table = [line(header), `|${widths.map((w) => `${'-'.repeat(w + 1)}:`).join('|')}|`, ...rows.map(line)];
  const split = results.sizes.map((r) => `  ${r.clusters}: construct ${s(r.ours.constructMs ?? 0)} s (not in "ours"); `
    + `render+stage ${s(r.ours.renderMs ?? 0)} s, swap ${s(r.ours.swapMs ?? 0)} s; `
    + `re-synth: render+stage+compare ${s(r.resynth.renderMs ?? 0)} s, swap+remove old ${s(r.resynth.swapMs ?? 0)} s`);
  const targets = results.targets.map((t) => `  ${t.met === undefined ? 'n/a ' : t.met ? 'MET ' : 'MISS'}  ${t.name}: `
    + `${t.value === undefined ? 'not measured' : `${t.value} ${t.unit}`}${t.cpuValue === undefined ? '' : ` (CPU time: ${t.cpuValue} ${t.unit})`} (target ≤ ${t.limit} ${t.unit})`);
  const m = results.machine;
  return [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; load ${m.loadAverage.start.join(' ')} → ${(m.loadAverage.end ?? []).join(' ')}`,
    `fastest of ${results.repeat} run(s) each, output under ${results.tmpdir}; s = wall seconds, CPU = user+system time; times exclude Node/tsx start-up; MiB = peak RSS of the measuring process`,
    '',
    ...table,
    '',
    'split of ours:',
    ...split,
    '',
    'targets:',
    ...targets,
  ].join('\n');
}
