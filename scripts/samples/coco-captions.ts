// Synthetic COCO Caption 2017 val rows in lmms-lab COCO-Caption2017's schema
// (../shared/spec/datasets.md §1.5): simple drawn scenes, each with five true captions in the
// COCO annotators' style. Image ids are outside COCO's range, so no row can be mistaken for a real
// COCO image; the URL follows COCO's pattern only to keep the column's shape.

import { imageFeature, sequenceFeature, valueFeature } from '../../src/data/write-parquet.ts';
import type { SampleSet } from './sample-set.ts';
import { circle, ellipse, line, polygon, rect, regularPoints, renderJpeg, svg } from './svg.ts';

const W = 320;
const H = 240;
const SKY = '#8ec9f0';
const GRASS = '#4caf50';

interface Scene {
  body: string[];
  background: string;
  captions: [string, string, string, string, string];
}

const grass = (top = 170) => rect(0, top, W, H - top, GRASS);
const sun = (x = 270, y = 45) => circle(x, y, 22, '#ffd54a');
const tree = (x: number, ground: number) => [rect(x - 8, ground - 60, 16, 60, '#7a4b25'), circle(x, ground - 80, 36, '#2e7d32')];

const SCENES: Scene[] = [
  {
    background: SKY,
    body: [grass(), sun(), circle(160, 160, 28, '#e53935'), ellipse(160, 190, 26, 5, '#2e7d32')],
    captions: [
      'A red ball lying on green grass under a blue sky.',
      'A red ball sits on a grassy field on a sunny day.',
      'A single red ball on the grass with the sun in the sky.',
      'A bright red ball resting on a green lawn.',
      'A red ball in a field with a clear blue sky above.',
    ],
  },
  {
    background: SKY,
    body: [
      grass(180),
      rect(90, 110, 120, 80, '#f4d03f'),
      polygon([[80, 112], [220, 112], [150, 60]], '#c0392b'),
      rect(137, 145, 26, 45, '#6d4c41'),
      rect(102, 125, 24, 20, '#ffffff'),
      rect(174, 125, 24, 20, '#ffffff'),
      ...tree(260, 185),
    ],
    captions: [
      'A yellow house with a red roof next to a tree.',
      'A small yellow house with a brown door and two windows.',
      'A house with a red roof stands on the grass beside a green tree.',
      'A yellow home with a tree growing to its right.',
      'A simple yellow house and a tree under a blue sky.',
    ],
  },
  {
    background: SKY,
    body: [
      sun(60, 45),
      rect(0, 150, W, 90, '#1e6fb8'),
      polygon([[110, 160], [230, 160], [210, 182], [130, 182]], '#8d5524'),
      line([170, 160], [170, 70], '#4e342e', 3),
      polygon([[172, 72], [172, 154], [225, 154]], '#ffffff'),
      polygon([[168, 80], [168, 154], [125, 154]], '#f5f5f5'),
    ],
    captions: [
      'A sailboat with white sails on the blue sea.',
      'A small wooden boat sailing on the water on a sunny day.',
      'A boat with two white sails floats on the ocean.',
      'A sailboat on calm blue water under a clear sky.',
      'A brown sailboat on the sea with the sun shining.',
    ],
  },
  {
    background: '#cfd8dc',
    body: [
      rect(0, 180, W, 60, '#fafafa'),
      circle(160, 160, 40, '#ffffff', '#b0bec5'),
      circle(160, 100, 27, '#ffffff', '#b0bec5'),
      rect(140, 58, 40, 20, '#212121'),
      rect(130, 76, 60, 6, '#212121'),
      circle(151, 96, 3, '#212121'),
      circle(169, 96, 3, '#212121'),
      polygon([[160, 102], [160, 108], [182, 105]], '#ef6c00'),
      circle(160, 145, 4, '#212121'),
      circle(160, 165, 4, '#212121'),
    ],
    captions: [
      'A snowman wearing a black hat standing in the snow.',
      'A snowman with a carrot nose and a top hat.',
      'A white snowman made of two snowballs on snowy ground.',
      'A snowman with black buttons under a gray sky.',
      'A snowman in a hat stands on the snow.',
    ],
  },
  {
    background: SKY,
    body: [
      rect(0, 150, W, 90, '#9ccc65'),
      rect(0, 175, W, 40, '#616161'),
      line([0, 195], [W, 195], '#ffffff', 3),
      rect(100, 145, 120, 35, '#d32f2f'),
      polygon([[125, 145], [195, 145], [180, 122], [140, 122]], '#d32f2f'),
      rect(146, 126, 30, 16, '#bbdefb'),
      circle(128, 182, 13, '#212121'),
      circle(192, 182, 13, '#212121'),
    ],
    captions: [
      'A red car driving on a paved road.',
      'A small red car on a gray road next to a grassy field.',
      'A red car on the street on a clear day.',
      'A red automobile traveling along a road.',
      'A red car on an empty road with a white line.',
    ],
  },
  {
    background: SKY,
    body: [
      sun(),
      grass(200),
      polygon([[150, 40], [185, 85], [150, 130], [115, 85]], '#ff7043'),
      line([150, 40], [150, 130], '#bf360c', 2),
      line([115, 85], [185, 85], '#bf360c', 2),
      line([150, 130], [90, 220], '#424242', 1.5),
      line([150, 130], [140, 150], '#e91e63', 3),
      line([140, 150], [156, 168], '#e91e63', 3),
    ],
    captions: [
      'An orange kite flying in the blue sky.',
      'A kite flies high above a grassy field.',
      'A diamond shaped kite with a long string in the sky.',
      'An orange kite soaring on a sunny day.',
      'A kite in the air with the sun shining nearby.',
    ],
  },
  {
    background: '#eceff1',
    body: [
      rect(0, 150, W, 90, '#8d6e63'),
      circle(160, 125, 40, '#7cb342'),
      rect(157, 72, 6, 18, '#5d4037'),
      ellipse(176, 80, 14, 6, '#388e3c'),
    ],
    captions: [
      'A green apple sitting on a wooden table.',
      'A single green apple on a brown table.',
      'A green apple with a stem and a leaf on a table.',
      'An apple resting on a wooden surface.',
      'A fresh green apple placed on a table.',
    ],
  },
  {
    background: SKY,
    body: [
      rect(0, 200, W, 40, '#9e9e9e'),
      rect(154, 110, 12, 90, '#424242'),
      rect(130, 20, 60, 100, '#212121'),
      circle(160, 45, 12, '#f44336'),
      circle(160, 72, 12, '#5d4037'),
      circle(160, 99, 12, '#33691e'),
    ],
    captions: [
      'A traffic light showing a red light.',
      'A traffic signal on a pole with the red light on.',
      'A black traffic light against a blue sky.',
      'The red light is lit on a traffic light.',
      'A traffic light on a post signaling drivers to stop.',
    ],
  },
  {
    background: SKY,
    body: [
      grass(150),
      ...[70, 160, 250].flatMap((x) => [line([x, 210], [x, 130], '#2e7d32', 4), polygon(regularPoints(x, 120, 24, 5, 12), '#ec407a'), circle(x, 120, 8, '#fdd835')]),
    ],
    captions: [
      'Three pink flowers growing in the grass.',
      'Three flowers with yellow centers in a green field.',
      'Pink flowers on long green stems.',
      'A row of three pink flowers under a blue sky.',
      'Three bright pink flowers standing in a meadow.',
    ],
  },
  {
    background: SKY,
    body: [
      polygon([[20, 200], [160, 50], [300, 200]], '#6d7b8d'),
      polygon([[126, 86], [160, 50], [194, 86], [176, 80], [160, 92], [144, 80]], '#ffffff'),
      grass(200),
    ],
    captions: [
      'A mountain with a snowy peak under a blue sky.',
      'A tall gray mountain topped with snow.',
      'A snow capped mountain rising above green grass.',
      'A single mountain peak covered in snow.',
      'A view of a mountain with white snow on top.',
    ],
  },
  {
    background: '#fff8e1',
    body: [
      rect(0, 200, W, 40, '#a1887f'),
      circle(160, 130, 70, '#b3e5fc', '#78909c'),
      rect(110, 52, 100, 14, '#fff8e1'),
      polygon([[145, 135], [120, 118], [120, 152]], '#ff8f00'),
      ellipse(170, 135, 32, 20, '#ff8f00'),
      circle(185, 130, 3, '#212121'),
    ],
    captions: [
      'An orange fish swimming in a round fish bowl.',
      'A goldfish in a glass bowl of water.',
      'A fish bowl with one orange fish inside.',
      'A small orange fish in a bowl on a table.',
      'A round glass fishbowl holding a single fish.',
    ],
  },
  {
    background: '#90a4ae',
    body: [
      ...Array.from({ length: 14 }, (_, i) => line([12 + i * 23, 10 + (i % 3) * 12], [4 + i * 23, 34 + (i % 3) * 12], '#e3f2fd', 2)),
      rect(0, 205, W, 35, '#546e7a'),
      `<path d="M 80 120 Q 160 30 240 120 Z" fill="#fdd835"/>`,
      line([160, 120], [160, 195], '#37474f', 4),
      `<path d="M 160 195 Q 160 210 148 206" fill="none" stroke="#37474f" stroke-width="4"/>`,
    ],
    captions: [
      'A yellow umbrella in the rain.',
      'An open yellow umbrella on a rainy day.',
      'A yellow umbrella with a curved handle in the rain.',
      'Rain falling around a bright yellow umbrella.',
      'A yellow umbrella open under a gray rainy sky.',
    ],
  },
];

export const cocoCaptionsSamples: SampleSet = {
  suite: 'coco-captions',
  repo: 'lmms-lab/COCO-Caption2017',
  file: 'data/val-00000-of-00001.parquet',
  features: {
    question_id: valueFeature('string'),
    image: imageFeature(),
    question: valueFeature('string'),
    answer: sequenceFeature(valueFeature('string')),
    id: valueFeature('int64'),
    license: valueFeature('int8'),
    file_name: valueFeature('string'),
    coco_url: valueFeature('string'),
    height: valueFeature('int32'),
    width: valueFeature('int32'),
    date_captured: valueFeature('string'),
  },
  async rows() {
    const rows: Array<Record<string, unknown>> = [];
    for (const [i, scene] of SCENES.entries()) {
      const id = 900101 + i;
      const fileName = `${String(id).padStart(12, '0')}.jpg`;
      rows.push({
        question_id: fileName,
        image: { bytes: await renderJpeg(svg(W, H, scene.body, scene.background)), path: fileName },
        question: 'Please carefully observe the image and come up with a caption for the image',
        answer: scene.captions,
        id,
        license: (i % 6) + 1,
        file_name: fileName,
        coco_url: `http://images.cocodataset.org/val2017/${fileName}`,
        height: H,
        width: W,
        date_captured: `2013-11-${String(10 + i).padStart(2, '0')} 1${i % 10}:2${i % 6}:4${i % 10}`,
      });
    }
    return rows;
  },
};
