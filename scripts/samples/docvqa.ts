// Synthetic DocVQA validation rows in lmms-lab DocVQA's `DocVQA` config schema
// (../shared/spec/datasets.md §1.4): typed business documents (invoice, memo, expense report,
// purchase order, fax cover) with questions whose answers are printed on the page. Several
// answers list the variants annotators accept, as the real data does. Names and numbers are made up.

import { imageFeature, sequenceFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { SampleSet } from './sample-set.ts';
import { line, rect, renderPng, svg, text } from './svg.ts';

const W = 480;
const H = 620;
const SERIF_GREY = '#222222';

interface Qa {
  question: string;
  answers: string[];
  types: string[];
}

interface Doc {
  body: string[];
  questions: Qa[];
}

const heading = (y: number, s: string) => text(W / 2, y, s, { size: 24, anchor: 'middle', weight: 'bold' });
const field = (x: number, y: number, name: string, val: string, valueX = x + 110) => [
  text(x, y, name, { size: 14, weight: 'bold', fill: SERIF_GREY }),
  text(valueX, y, val, { size: 14 }),
];
const para = (x: number, y: number, lines: string[]) => lines.map((s, i) => text(x, y + i * 20, s, { size: 13 }));

function table(y: number, header: [string, string], rows: Array<[string, string]>, totals: Array<[string, string]>): string[] {
  const left = 40;
  const right = W - 40;
  const body = [
    rect(left, y, right - left, 26, '#e8e8e8', '#555555'),
    text(left + 10, y + 18, header[0], { size: 13, weight: 'bold' }),
    text(right - 10, y + 18, header[1], { size: 13, weight: 'bold', anchor: 'end' }),
  ];
  rows.forEach(([name, amount], i) => {
    const rowY = y + 26 + i * 26;
    body.push(
      rect(left, rowY, right - left, 26, '#ffffff', '#999999'),
      text(left + 10, rowY + 18, name, { size: 13 }),
      text(right - 10, rowY + 18, amount, { size: 13, anchor: 'end' }),
    );
  });
  const end = y + 26 + rows.length * 26;
  totals.forEach(([name, amount], i) => {
    const rowY = end + 24 + i * 22;
    body.push(
      text(right - 110, rowY, name, { size: 13, weight: 'bold', anchor: 'end' }),
      text(right - 10, rowY, amount, { size: 13, anchor: 'end' }),
    );
  });
  return body;
}

const DOCS: Doc[] = [
  {
    body: [
      text(40, 50, 'Northwind Paper Supply Co.', { size: 18, weight: 'bold' }),
      text(40, 72, '1200 Harbor Way, Portland, OR 97209', { size: 12, fill: '#555555' }),
      heading(120, 'INVOICE'),
      ...field(40, 160, 'Invoice No:', '4471-B'),
      ...field(40, 184, 'Date:', 'March 14, 1997'),
      ...field(40, 208, 'Bill To:', 'Harbor Research Institute'),
      ...field(40, 232, 'Terms:', 'Net 30 days'),
      ...table(
        260,
        ['Description', 'Amount'],
        [['Copy paper, 10 reams', '$42.50'], ['Toner cartridge', '$89.00'], ['Binders (12)', '$18.75']],
        [['Subtotal', '$150.25'], ['Tax (6%)', '$9.02'], ['TOTAL DUE', '$159.27']],
      ),
      text(W / 2, 560, 'Thank you for your business.', { size: 12, anchor: 'middle', italic: true }),
    ],
    questions: [
      { question: 'What is the invoice number?', answers: ['4471-B'], types: ['form'] },
      { question: 'What is the total amount due?', answers: ['$159.27', '159.27'], types: ['table/list'] },
      { question: 'To whom is the invoice billed?', answers: ['Harbor Research Institute'], types: ['form'] },
    ],
  },
  {
    body: [
      heading(60, 'MEMORANDUM'),
      line([40, 80], [W - 40, 80], '#333333', 2),
      ...field(40, 116, 'TO:', 'All Laboratory Staff', 130),
      ...field(40, 142, 'FROM:', 'Dr. Elena Park', 130),
      ...field(40, 168, 'DATE:', 'June 2, 1998', 130),
      ...field(40, 194, 'SUBJECT:', 'Freezer maintenance schedule', 130),
      line([40, 212], [W - 40, 212], '#333333', 1),
      ...para(40, 244, [
        'The -80 freezers in rooms 214 and 216 will be defrosted',
        'on Friday, June 12. Please move your samples to the',
        'backup unit in room 220 by Thursday at 5 p.m.',
        '',
        'Label each box with your name and the date. Boxes',
        'without labels will be stored in the shared rack.',
        '',
        'Questions may be directed to the facilities office',
        'at extension 4127.',
      ]),
    ],
    questions: [
      { question: 'Who is the memo from?', answers: ['Dr. Elena Park', 'Elena Park'], types: ['layout'] },
      { question: 'What is the subject of the memo?', answers: ['Freezer maintenance schedule'], types: ['layout'] },
      { question: 'Which room has the backup unit?', answers: ['220', 'room 220'], types: ['free_text'] },
    ],
  },
  {
    body: [
      heading(56, 'TRAVEL EXPENSE REPORT'),
      ...field(40, 104, 'Name:', 'Marcus Webb', 150),
      ...field(40, 130, 'Department:', 'Quality Assurance', 150),
      ...field(40, 156, 'Destination:', 'Denver, CO', 150),
      ...field(40, 182, 'Travel dates:', 'October 5-8, 1996', 150),
      ...table(
        214,
        ['Expense', 'Amount (USD)'],
        [['Airfare', '312.40'], ['Hotel (3 nights)', '268.00'], ['Meals', '74.60']],
        [['Total', '655.00']],
      ),
      text(40, 420, 'Employee signature: ______________________', { size: 13 }),
      text(40, 452, 'Approved by: ______________________', { size: 13 }),
    ],
    questions: [
      { question: 'What is the destination?', answers: ['Denver, CO', 'Denver'], types: ['form'] },
      { question: 'What is the total expense?', answers: ['655.00', '$655.00', '655'], types: ['table/list'] },
      { question: 'How much was spent on meals?', answers: ['74.60', '$74.60'], types: ['table/list'] },
    ],
  },
  {
    body: [
      text(40, 50, 'Bellmont Analytical Laboratories', { size: 18, weight: 'bold' }),
      heading(100, 'PURCHASE ORDER'),
      ...field(40, 144, 'PO Number:', '88-2031', 160),
      ...field(40, 170, 'Supplier:', 'Crescent Lab Instruments', 160),
      ...field(40, 196, 'Ship To:', 'Receiving Dock B', 160),
      ...field(40, 222, 'Delivery Date:', 'September 30, 1999', 160),
      ...table(
        252,
        ['Item', 'Quantity'],
        [['Pipette tips, 1000 uL (box)', '40'], ['Centrifuge tubes, 50 mL (case)', '6'], ['Nitrile gloves, medium (box)', '25']],
        [],
      ),
      text(40, 420, 'Authorized by: R. Okafor, Purchasing Manager', { size: 13 }),
    ],
    questions: [
      { question: 'What is the PO number?', answers: ['88-2031'], types: ['form'] },
      { question: 'What is the name of the supplier?', answers: ['Crescent Lab Instruments'], types: ['form'] },
      { question: 'How many boxes of pipette tips are ordered?', answers: ['40'], types: ['table/list'] },
    ],
  },
  {
    body: [
      heading(70, 'FAX TRANSMISSION'),
      line([40, 92], [W - 40, 92], '#333333', 2),
      ...field(40, 132, 'To:', 'R. Alvarez', 150),
      ...field(40, 158, 'Fax number:', '(415) 555-0142', 150),
      ...field(40, 184, 'From:', 'J. Whitfield', 150),
      ...field(40, 210, 'Date:', 'May 21, 1997', 150),
      ...field(40, 236, 'Pages:', '3 (including cover)', 150),
      line([40, 258], [W - 40, 258], '#333333', 1),
      ...para(40, 290, ['Attached are the revised study protocols for', 'your review. Please call if any pages are missing.']),
    ],
    questions: [
      { question: 'How many pages are being sent?', answers: ['3', '3 (including cover)'], types: ['form'] },
      { question: 'What is the fax number?', answers: ['(415) 555-0142', '415-555-0142'], types: ['form'] },
    ],
  },
];

export const docvqaSamples: SampleSet = {
  suite: 'docvqa',
  repo: 'lmms-lab/DocVQA',
  file: 'DocVQA/validation-00000-of-00001.parquet',
  features: {
    questionId: valueFeature('string'),
    question: valueFeature('string'),
    question_types: sequenceFeature(valueFeature('string')),
    image: imageFeature(),
    docId: valueFeature('int64'),
    ucsf_document_id: valueFeature('string'),
    ucsf_document_page_no: valueFeature('string'),
    answers: sequenceFeature(valueFeature('string')),
    data_split: valueFeature('string'),
  },
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    let questionId = 900001;
    for (const [i, doc] of DOCS.entries()) {
      const bytes = await renderPng(svg(W, H, doc.body));
      for (const qa of doc.questions) {
        rows.push({
          questionId: String(questionId++),
          question: qa.question,
          question_types: qa.types,
          image: { bytes, path: null },
          docId: 90001 + i,
          ucsf_document_id: `synt${String(i + 1).padStart(4, '0')}`,
          ucsf_document_page_no: '1',
          answers: qa.answers,
          data_split: 'val',
        });
      }
    }
    return rows;
  },
};
