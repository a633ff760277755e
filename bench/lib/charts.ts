/**
 * SVG charts from the results JSON with Vega-Lite (compiled to Vega, rendered headless by
 * vega's View.toSVG: no browser, no canvas).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const COLORS = { domain: ['Brooklet', 'Kafka', 'reference'], range: ['#2a9d8f', '#e76f51', '#8d99ae'] };

export interface Bar {
  group: string;
  series: 'Brooklet' | 'Kafka' | 'reference';
  value: number;
  low?: number;
  high?: number;
}

/** Grouped horizontal bars (one group per case, one bar per broker) with min-max whiskers. */
export function barChart(title: string, unit: string, bars: Bar[], opts: { log?: boolean } = {}): TopLevelSpec {
  const withRange = bars.map((b) => ({ ...b, low: b.low ?? b.value, high: b.high ?? b.value }));
  const x = { field: 'value', type: 'quantitative', title: unit, ...(opts.log ? { scale: { type: 'log' } } : {}) } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: 560, data: { values: withRange },
    encoding: {
      y: { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } },
      yOffset: { field: 'series', sort: COLORS.domain },
      color: { field: 'series', title: null, scale: COLORS, legend: { orient: 'bottom' } },
    },
    layer: [
      { mark: { type: 'bar', height: { band: 0.9 } }, encoding: { x } },
      { mark: { type: 'rule', color: '#333' }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 9 }, encoding: { x: { ...x, field: 'high' }, text: { field: 'value', format: '.3~s' } } },
    ],
    config: { font: 'sans-serif', view: { stroke: null } },
  } as TopLevelSpec;
}

export async function writeSvg(spec: TopLevelSpec, file: string): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, svg + '\n');
}
