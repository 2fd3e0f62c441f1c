import { BenchResults } from './bench-results';


const s = (ms: number): string => (ms / 1000).toFixed(2);
const x = (r: number | undefined): string => (r === undefined ? '–' : `${r.toFixed(2)}×`);
const x3 = (r: number | undefined): string => (r === undefined ? '–' : `${r.toFixed(3)}×`);

/** The results as a Markdown table (readable in a terminal and pasteable into the README), then the targets. */
export function formatResultsTable(results: BenchResults): string {
  const header = ['clusters', 'objects', 'floor s', 'cold s', 'cold process s', 'cold MiB', 'unchanged s', 'unchanged process s',
    '1 cluster s', '1 module s', 'cold/floor', 'cold process/floor', 'unchanged/floor', '1 cluster/floor', '1 module/floor', 'naive/floor', 'peak MiB', 'same output'];
  const rows = results.sizes.map((r) => [
    String(r.clusters), String(r.objects), s(r.floor.ms), s(r.ours.ms), s(r.ours.processMs ?? 0), String(r.ours.maxRssMiB),
    s(r.resynth.ms), s(r.resynth.processMs ?? 0), s(r.clusterChanged.ms), s(r.moduleChanged.ms),
    x(r.ratios.oursToFloor), x(r.ratios.oursProcessToFloor), x3(r.ratios.resynthToFloor), x3(r.ratios.clusterChangedToFloor),
    x(r.ratios.moduleChangedToFloor), x(r.ratios.naiveToFloor),
    String(Math.max(r.ours.maxRssMiB, r.resynth.maxRssMiB, r.clusterChanged.maxRssMiB, r.moduleChanged.maxRssMiB)),
    r.outputsIdentical ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  const table = [line(header), `|${widths.map((w) => `${'-'.repeat(w + 1)}:`).join('|')}|`, ...rows.map(line)];
  const split = results.sizes.map((r) => `  ${r.clusters}: cold: construct ${s(r.ours.constructMs ?? 0)} s (in "process", not in "cold"), `
    + `render+stage ${s(r.ours.renderMs ?? 0)} s, swap ${s(r.ours.swapMs ?? 0)} s; rendered clusters: unchanged ${r.resynth.rendered ?? '?'}, `
    + `1 cluster ${r.clusterChanged.rendered ?? '?'}, 1 module ${r.moduleChanged.rendered ?? '?'}`);
  const targets = results.targets.map((t) => `  ${t.met === undefined ? 'n/a ' : t.met ? 'MET ' : 'MISS'}  ${t.name}: `
    + `${t.value === undefined ? 'not measured' : `${t.value} ${t.unit}`}${t.cpuValue === undefined ? '' : ` (CPU time: ${t.cpuValue} ${t.unit})`} (target ≤ ${t.limit} ${t.unit})`);
  const m = results.machine;
  return [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; load ${m.loadAverage.start.join(' ')} → ${(m.loadAverage.end ?? []).join(' ')}`,
    `fastest of ${results.repeat} run(s) each, output under ${results.tmpdir}; s = wall seconds, CPU = user+system time; "process" = the whole child process (Node + tsx start-up, library load, fleet construction), the other times the synthesizeFleet call; MiB = peak RSS of the measuring process`,
    '',
    ...table,
    '',
    'split:',
    ...split,
    '',
    'targets:',
    ...targets,
  ].join('\n');
}
