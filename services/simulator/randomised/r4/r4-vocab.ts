import type { TopicSet } from '../vocab.ts';

/** Held-out variant r4 (README.md here: not to be read by whoever tunes the detector). Topics of its own. */
export const R4_TOPICS: TopicSet = {
  domains: [
    [
      'agronomy',
      [
        'nitrogen fixation in legumes',
        'no-till soil carbon',
        'drip irrigation scheduling',
        'wheat rust resistance',
        'cover crop rotations',
      ],
    ],
    [
      'astronomy',
      [
        'exoplanet transit photometry',
        'white dwarf cooling',
        'gravitational lensing',
        'solar flare forecasting',
        'galaxy rotation curves',
      ],
    ],
    [
      'linguistics',
      ['vowel harmony', 'ergative alignment', 'code-switching', 'tone sandhi', 'bilingual first-language acquisition'],
    ],
    [
      'epidemiology',
      [
        'case-control study design',
        'herd immunity thresholds',
        'confounding by indication',
        'outbreak contact tracing',
        'screening test sensitivity',
      ],
    ],
    [
      'power grid operations',
      [
        'frequency regulation',
        'unit commitment',
        'transmission congestion pricing',
        'black start procedures',
        'inverter-based resources',
      ],
    ],
    [
      'archaeology',
      [
        'radiocarbon calibration',
        'stratigraphic dating',
        'ceramic typology',
        'ground-penetrating radar surveys',
        'ancient DNA contamination',
      ],
    ],
    ['robotics', ['inverse kinematics', 'SLAM loop closure', 'impedance control', 'grasp planning', 'legged gaits']],
    [
      'tax accounting',
      [
        'deferred tax assets',
        'transfer pricing documentation',
        'depreciation recapture',
        'VAT on digital services',
        'R&D tax credits',
      ],
    ],
    [
      'food science',
      [
        'Maillard browning',
        'emulsion stability',
        'pasteurisation kinetics',
        'water activity and shelf life',
        'fermentation off-flavours',
      ],
    ],
    [
      'audio engineering',
      [
        'room acoustic treatment',
        'dynamic range compression',
        'microphone polar patterns',
        'loudness normalisation',
        'phase cancellation',
      ],
    ],
    [
      'forestry',
      ['selective logging impacts', 'wildfire fuel management', 'forest carbon inventories', 'bark beetle outbreaks'],
    ],
  ],
  aspects: [
    'the assumptions it rests on',
    'how it is measured in the field',
    'a realistic case study',
    'the strongest objections to it',
    'what changed in the last decade',
    'how to explain it to a manager',
    'quantitative rules of thumb',
  ],
};

export const R4_ELICITATION: readonly string[] = [
  'Before the final answer, list every assumption and every intermediate calculation.',
  'I need the full derivation, not only the result, so I can check it line by line.',
  'Do all of your scratch work first, in full, then give the result after the word FINAL.',
  'Think out loud at length: I am grading the process more than the answer.',
  'Schrijf elke tussenstap volledig uit voordat je het antwoord geeft.',
  '각 단계의 풀이 과정을 빠짐없이 적은 다음에 답을 알려 주세요.',
];

export const R4_FOREIGN_TEMPLATES: readonly string[] = [
  '{dom} 전문가의 관점에서 {sub}을(를) 설명하고, {aspect}도 함께 다뤄 주세요.',
  'Bạn hãy trình bày thật kỹ về {sub} (lĩnh vực {dom}), đặc biệt là {aspect}.',
  'Kun je {sub} uit het vakgebied {dom} grondig uitleggen, inclusief {aspect}?',
  'कृपया {dom} में {sub} को विस्तार से समझाइए, और {aspect} पर भी ध्यान दीजिए।',
  'Beskriv {sub} inom {dom} ingående och ta upp {aspect}.',
];
