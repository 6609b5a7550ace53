import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveLocalDataset, streamSamples, suiteOptions } from '../../../src/data/dataset.ts';
import { UserError } from '../../../src/errors.ts';
import { compareRuns } from '../../../src/report/compare/compare.ts';
import { runEval } from '../../../src/run/eval.ts';
import { buildPlan } from '../../../src/run/plan.ts';
import { getSuite } from '../../../suites/index.ts';
import { dumpPage, findChromium, NO_CHROMIUM } from '../../helpers/chromium.ts';
import { editRun, editSamples, setHardware, timedPerf, tmpDir } from '../../helpers/runs.ts';

const MACHINES = [
  { label: 'MI210', gpu: { model: 'MI210', vramTotalMiB: 65_520, arch: 'gfx90a' }, tokps: 500, ttft: 200, vram: 60_000 },
  { label: 'MI250', gpu: { model: 'MI250', count: 2, vramTotalMiB: 65_520, arch: 'gfx90a' }, tokps: 800, ttft: 150, vram: 110_000 },
  { label: 'MI300X', gpu: { model: 'MI300X', vramTotalMiB: 196_592, arch: 'gfx942' }, tokps: 1500, ttft: 80, vram: 150_000 },
];

const SCRIPT = '<script>alert(1)</script>';

/** comparison.csv as objects (its cells hold no quotes or commas in these fixtures). */
function parseCsv(text: string): Array<Record<string, string>> {
  const [header, ...rows] = text.trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** One real chartqa run (bundled sample, replay backend), copied to three simulated machines. */
async function threeMachines(): Promise<{ root: string; dirs: string[] }> {
  const root = tmpDir('compare-');
  const suite = getSuite('chartqa');
  const datasets = await Promise.all(suite.datasets(suiteOptions({})).map((spec) => resolveLocalDataset(suite, spec, 'sample')));
  const lines: string[] = [];
  for await (const { sample } of streamSamples({ suite, datasets })) lines.push(JSON.stringify({ id: sample.id, prediction: sample.references[0] }));
  const preds = join(root, 'preds.jsonl');
  writeFileSync(preds, `${lines.join('\n')}\n`);
  const plan = buildPlan({ flags: { suite: 'chartqa', predictions: preds, out: join(root, 'base') }, defaults: { backend: 'replay', data: 'sample' } });
  const { runDir } = await runEval(plan, { signal: new AbortController().signal });
  const dirs = MACHINES.map((m) => {
    const dir = join(root, m.label.toLowerCase());
    cpSync(runDir, dir, { recursive: true });
    editRun(dir, (r) => {
      r.runId = `run-${m.label}`;
      setHardware(r, m.gpu, m.label);
      r.model.dtype = 'bfloat16';
      r.suites[0].perf = { ...timedPerf({ outputTokensPerSec: m.tokps, ttftP50: m.ttft, ttftP99: m.ttft * 3 }), tokenSource: 'server' };
      r.memory.peakVramMiB = m.vram;
    });
    return dir;
  });
  return { root, dirs };
}

let fixture: { root: string; dirs: string[] };
beforeAll(async () => {
  fixture = await threeMachines();
});

describe('compareRuns', () => {
  it('writes md, csv, html and PNG charts with one row per machine and ratios against the first row', async () => {
    const out = join(fixture.root, 'cmp');
    const outcome = await compareRuns({ inputs: fixture.dirs, out });
    expect(outcome.files.map((f) => f.slice(out.length + 1))).toEqual(['comparison.md', 'comparison.csv', 'comparison.html', 'comparison-throughput.png', 'comparison-memory.png']);
    for (const f of outcome.files) expect(existsSync(f)).toBe(true);

    const csv = parseCsv(readFileSync(join(out, 'comparison.csv'), 'utf8'));
    expect(csv.map((r) => r.row)).toEqual(['MI210', 'MI250', 'MI300X']);
    expect(csv.map((r) => r.gpu_count)).toEqual(['1', '2', '1']);
    expect(csv.map((r) => r.throughput_ratio)).toEqual(['1', '1.6', '3']);
    expect(csv.map((r) => r.ttft_p50_ratio)).toEqual(['1', '0.75', '0.4']);
    expect(Number(csv[2].peak_vram_ratio)).toBeCloseTo(2.5, 12);
    expect(csv[1].gpu_memory_total_mib).toBe('131040');
    expect(csv.every((r) => r.value === '1' && r.same_data_as_reference === 'true')).toBe(true);

    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    const suiteTable = md.split('## chartqa (relaxed_accuracy)')[1].split('##')[0];
    const dataRows = suiteTable.split('\n').filter((l) => /^\| MI/.test(l));
    expect(dataRows).toHaveLength(3);
    expect(dataRows[0]).toMatch(/^\| MI210 \(ref\) \| bfloat16 \| 100\.00 \[100\.00–100\.00\] \| 500\.0 \| ×1\.00 \|/);
    expect(dataRows[1]).toContain('| 800.0 | ×1.60 |');
    expect(dataRows[2]).toContain('| 1500.0 | ×3.00 | 3.30 | 80.0 | ×0.40 |');
    expect(suiteTable).toContain('tok/s vs ref');
    expect(md).toContain('![Output throughput by GPU and dtype](comparison-throughput.png)');
    expect(md).toContain('![GPU memory by GPU and dtype](comparison-memory.png)');

    const png = await sharp(join(out, 'comparison-throughput.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.width).toBeGreaterThan(400);

    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(outcome.table).toContain('MI300X');
    expect(outcome.table).toContain('×3.00');
    // the bundled sample is synthetic: the report says so
    expect(outcome.warnings.join('\n')).toMatch(/bundled synthetic sample/);
  });

  it('takes ratios against --reference and rejects an unknown reference with a hint', async () => {
    const out = join(fixture.root, 'cmp-ref');
    await compareRuns({ inputs: fixture.dirs, out, reference: 'mi300x' });
    const csv = parseCsv(readFileSync(join(out, 'comparison.csv'), 'utf8'));
    expect(csv.map((r) => r.is_reference)).toEqual(['false', 'false', 'true']);
    expect(Number(csv[0].throughput_ratio)).toBeCloseTo(1 / 3, 12);
    await expect(compareRuns({ inputs: fixture.dirs, out, reference: 'MI30X' })).rejects.toThrow("Unknown reference row 'MI30X'. Did you mean 'MI300X'?");
  });

  it('warns, in every output, when runs evaluated different data, and shows missing figures as n/a', async () => {
    const root = tmpDir('compare-mismatch-');
    const dirs = fixture.dirs.map((d, i) => {
      const copy = join(root, String(i));
      cpSync(d, copy, { recursive: true });
      return copy;
    });
    editRun(dirs[2], (r) => {
      r.suites[0].dataset.fingerprint = `sha256:${'cd'.repeat(32)}`;
      r.suites[0].perf.ttftMs = null;
      r.memory.peakVramMiB = null;
    });
    const out = join(root, 'out');
    const outcome = await compareRuns({ inputs: dirs, out });
    const warning = outcome.warnings.find((w) => w.startsWith('chartqa: the runs did not evaluate the same data'));
    expect(warning).toContain('cdcdcdcdcdcd in MI300X');
    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(md).toContain('> ⚠️ **Not comparable:** chartqa: the runs did not evaluate the same data');
    expect(md).toMatch(/\| MI300X \| bfloat16 \| 100\.00 \[100\.00–100\.00\] ⚠ \| 1500\.0 \| ×3\.00 \| 3\.30 \| n\/a \| n\/a \| n\/a \| 12\.0 \| n\/a \| n\/a \|/);
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(html).toContain('<strong>Not comparable:</strong> chartqa: the runs did not evaluate the same data');
    const csv = parseCsv(readFileSync(join(out, 'comparison.csv'), 'utf8'));
    expect(csv[2]).toMatchObject({ same_data_as_reference: 'false', ttft_p50_ms: 'n/a', peak_vram_ratio: 'n/a' });
    expect(outcome.table).toMatch(/MI300X\s+bfloat16\s+100\.00 \[100\.00–100\.00\] ⚠/);
  });

  it('escapes model text and labels: a <script> prediction stays text', async () => {
    const root = tmpDir('compare-xss-');
    const dirs = fixture.dirs.map((d, i) => {
      const copy = join(root, String(i));
      cpSync(d, copy, { recursive: true });
      return copy;
    });
    let changed = '';
    editSamples(dirs[1], (s) => {
      if (changed || s.state !== 'scored') return s;
      changed = s.id;
      return { ...s, prediction: `${SCRIPT} & "quotes"` };
    });
    editRun(dirs[2], (r) => {
      r.hardware.label = `MI300X ${SCRIPT}`;
      r.model.id = `evil|${SCRIPT}`;
    });
    const out = join(root, 'out');
    await compareRuns({ inputs: dirs, out });
    const html = readFileSync(join(out, 'comparison.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain(`<td class="text">${changed}</td>`);
    expect(html).toContain('MI300X &lt;script&gt;');
    const md = readFileSync(join(out, 'comparison.md'), 'utf8');
    expect(md).not.toMatch(/<script/i);
    expect(md).toContain('evil\\|&lt;script&gt;');
    expect(md).toMatch(/chartqa: predictions differ on 1 of 16 samples/);
  });

  it('names the path on bad input', async () => {
    const root = tmpDir('compare-bad-');
    mkdirSync(join(root, 'empty'));
    await expect(compareRuns({ inputs: [join(root, 'empty')], out: root })).rejects.toThrow(`${join(root, 'empty')} is not a run directory`);
    writeFileSync(join(root, 'results.json'), '{ not json');
    await expect(compareRuns({ inputs: [join(root, 'results.json')], out: root })).rejects.toThrow(`${join(root, 'results.json')}: not a results.json`);
    await expect(compareRuns({ inputs: [join(root, 'nope')], out: root })).rejects.toBeInstanceOf(UserError);
    await expect(compareRuns({ inputs: [], out: root })).rejects.toThrow(/at least one run/);
  });
});

describe('comparison.html in a real browser', () => {
  const chromium = findChromium();
  it('opens in headless Chromium with no console message, no script, and the escaped text intact', async (ctx) => {
    if (!chromium) {
      console.warn(`skipped: ${NO_CHROMIUM}`);
      ctx.skip(NO_CHROMIUM);
      return;
    }
    const root = tmpDir('compare-browser-');
    const dirs = fixture.dirs.map((d, i) => {
      const copy = join(root, String(i));
      cpSync(d, copy, { recursive: true });
      return copy;
    });
    editRun(dirs[0], (r) => {
      r.model.id = `model ${SCRIPT}`;
    });
    editSamples(dirs[2], (s) => (s.state === 'scored' ? { ...s, prediction: `${SCRIPT}<img src=x onerror=alert(2)>` } : s));
    const out = join(root, 'out');
    await compareRuns({ inputs: dirs, out });
    const page = dumpPage(chromium, join(out, 'comparison.html'), join(root, 'profile'));
    expect(page.status).toBe(0);
    const dom = page.dom;
    expect(dom).toContain('vlm-harness hardware comparison');
    expect(dom.match(/<svg /g)).toHaveLength(2);
    expect(dom).not.toMatch(/<script|<img/i);
    expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page.consoleLines).toEqual([]);
  });
});
