// Synthetic ChartQA test rows in lmms-lab ChartQA's schema (../shared/spec/datasets.md §1.3): bar
// and line charts with every value printed on the chart, two questions each (one `human_test`,
// one `augmented_test`), answered from the drawn values (maxima, counts, differences, sums).

import { imageFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { SampleSet } from './sample-set.ts';
import { circle, line, polyline, rect, renderPng, svg, text } from './svg.ts';
import type { Point } from './svg.ts';

const W = 480;
const H = 360;
const PLOT = { left: 60, right: W - 24, top: 58, bottom: H - 52 };

interface Chart {
  kind: 'bar' | 'line';
  title: string;
  /** Axis maximum (the plot spans 0..max). */
  max: number;
  data: Array<[string, number]>;
  colour: string;
  questions: [Qa, Qa];
}

interface Qa {
  question: string;
  answer: string;
}

const CHARTS: Chart[] = [
  {
    kind: 'bar', title: 'Average monthly rainfall by city (mm)', max: 80, colour: '#3b75af',
    data: [['Oslo', 62], ['Lima', 15], ['Pune', 48], ['Rome', 71], ['Cairo', 9]],
    questions: [
      { question: 'What is the value of the tallest bar?', answer: '71' },
      { question: 'How many bars are above 40?', answer: '3' },
    ],
  },
  {
    kind: 'bar', title: 'Preferred drink among respondents (%)', max: 60, colour: '#519e3e',
    data: [['Coffee', 42], ['Tea', 35], ['Juice', 15], ['Water', 8]],
    questions: [
      { question: 'What percentage of respondents prefer Tea?', answer: '35' },
      { question: 'What is the difference between the share of Coffee and Juice?', answer: '27' },
    ],
  },
  {
    kind: 'line', title: 'Museum visitors per year (thousands)', max: 200, colour: '#c0392b',
    data: [['2016', 120], ['2017', 135], ['2018', 150], ['2019', 170], ['2020', 60], ['2021', 95]],
    questions: [
      { question: 'In which year was the number of visitors the highest?', answer: '2019' },
      { question: 'How many visitors were there in 2020, in thousands?', answer: '60' },
    ],
  },
  {
    kind: 'bar', title: 'Electric car sales worldwide (millions)', max: 16, colour: '#8e6bb8',
    data: [['2019', 2.1], ['2020', 3.1], ['2021', 6.6], ['2022', 10.5], ['2023', 13.8]],
    questions: [
      { question: 'Which year had the lowest sales?', answer: '2019' },
      { question: 'What is the sum of the sales in 2019 and 2020?', answer: '5.2' },
    ],
  },
  {
    kind: 'bar', title: 'Average daily screen time by age (hours)', max: 8, colour: '#d9822b',
    data: [['13-17', 7.5], ['18-24', 6.9], ['25-34', 5.8], ['35-54', 4.6], ['55+', 3.9]],
    questions: [
      { question: 'Which age group has the highest screen time?', answer: '13-17' },
      { question: 'How many age groups spend more than 5 hours a day?', answer: '3' },
    ],
  },
  {
    kind: 'line', title: 'Average temperature in Madrid (°C)', max: 32, colour: '#2a9d8f',
    data: [['Jan', 6], ['Feb', 8], ['Mar', 11], ['Apr', 13], ['May', 17], ['Jun', 23], ['Jul', 26], ['Aug', 25]],
    questions: [
      { question: 'In which month was the average temperature 17 °C?', answer: 'May' },
      { question: 'What is the difference between the highest and the lowest temperature?', answer: '20' },
    ],
  },
  {
    kind: 'bar', title: 'Books read per person per year', max: 20, colour: '#3b75af',
    data: [['Finland', 18], ['Spain', 10], ['Japan', 12], ['Brazil', 5], ['Canada', 14]],
    questions: [
      { question: 'Is the value for Canada greater than the value for Japan?', answer: 'Yes' },
      { question: 'What is the average of the values for Spain and Japan?', answer: '11' },
    ],
  },
  {
    kind: 'bar', title: 'Favourite season in a school survey (%)', max: 40, colour: '#b5485d',
    data: [['Spring', 24], ['Summer', 38], ['Autumn', 26], ['Winter', 12]],
    questions: [
      { question: 'What is the value of the smallest bar?', answer: '12' },
      { question: 'What is the ratio of Summer to Winter?', answer: '3.17' },
    ],
  },
];

const y = (v: number, max: number) => PLOT.bottom - (v / max) * (PLOT.bottom - PLOT.top);

function frame(chart: Chart): string[] {
  const body = [text(W / 2, 30, chart.title, { size: 17, anchor: 'middle', weight: 'bold' })];
  const step = chart.max / 4;
  for (let i = 0; i <= 4; i++) {
    const v = step * i;
    body.push(line([PLOT.left, y(v, chart.max)], [PLOT.right, y(v, chart.max)], i === 0 ? '#333333' : '#e2e2e2', 1));
    body.push(text(PLOT.left - 8, y(v, chart.max) + 4, String(Math.round(v * 10) / 10), { size: 12, anchor: 'end', fill: '#555555' }));
  }
  return body;
}

function draw(chart: Chart): string[] {
  const body = frame(chart);
  const slot = (PLOT.right - PLOT.left) / chart.data.length;
  const points: Point[] = [];
  chart.data.forEach(([name, v], i) => {
    const cx = PLOT.left + slot * (i + 0.5);
    body.push(text(cx, PLOT.bottom + 20, name, { size: 13, anchor: 'middle' }));
    if (chart.kind === 'bar') {
      const barWidth = Math.min(56, slot * 0.6);
      body.push(rect(cx - barWidth / 2, y(v, chart.max), barWidth, PLOT.bottom - y(v, chart.max), chart.colour));
    } else {
      points.push([cx, y(v, chart.max)]);
    }
    // On a line falling into a point, a label above it would sit on the line: put it below.
    const below = chart.kind === 'line' && i > 0 && v < chart.data[i - 1][1];
    body.push(text(cx, y(v, chart.max) + (below ? 22 : -10), String(v), { size: 14, anchor: 'middle', weight: 'bold' }));
  });
  if (chart.kind === 'line') {
    body.push(polyline(points, chart.colour, 3));
    for (const [px, py] of points) body.push(circle(px, py, 4.5, chart.colour));
  }
  return body;
}

export const chartqaSamples: SampleSet = {
  suite: 'chartqa',
  repo: 'lmms-lab/ChartQA',
  file: 'data/test-00000-of-00001.parquet',
  features: { type: valueFeature('string'), question: valueFeature('string'), answer: valueFeature('string'), image: imageFeature() },
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, chart] of CHARTS.entries()) {
      const bytes = await renderPng(svg(W, H, draw(chart)));
      chart.questions.forEach((qa, k) => {
        // Alternate which of the pair is human-written so both groups get both kinds of chart.
        const human = (i + k) % 2 === 0;
        rows.push({ type: human ? 'human_test' : 'augmented_test', question: qa.question, answer: qa.answer, image: { bytes, path: null } });
      });
    }
    return rows;
  },
};
