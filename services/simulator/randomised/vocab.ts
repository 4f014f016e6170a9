import type { Rng } from '../random.ts';
import { R4_ELICITATION, R4_FOREIGN_TEMPLATES, R4_TOPICS } from './r4/r4-vocab.ts';
import type { VariantName } from './randomised-options.ts';

/** A topic grammar: domains with subtopics and the aspects a question can ask about. */
export interface TopicSet {
  domains: readonly (readonly [string, readonly string[]])[];
  aspects: readonly string[];
}

/** r1 and r2 (tuning) draw their topics here. */
const TOPICS_TUNE: TopicSet = {
  domains: [
    [
      'medicine',
      [
        'sepsis management',
        'pharmacokinetics of beta blockers',
        'type 2 diabetes therapy',
        'stroke triage',
        'antibiotic resistance',
      ],
    ],
    [
      'law',
      ['contract formation', 'GDPR data transfers', 'tort negligence', 'patent eligibility', 'employment termination'],
    ],
    ['finance', ['bond duration', 'options pricing', 'working capital', 'discounted cash flow', 'credit risk models']],
    [
      'physics',
      [
        'quantum tunnelling',
        'special relativity',
        'thermodynamic entropy',
        'fluid turbulence',
        'semiconductor band gaps',
      ],
    ],
    [
      'chemistry',
      ['reaction kinetics', 'buffer solutions', 'organic synthesis routes', 'electrochemistry', 'polymer chains'],
    ],
    [
      'biology',
      ['CRISPR gene editing', 'protein folding', 'mitochondrial function', 'immune memory', 'population genetics'],
    ],
    [
      'computer science',
      ['consensus algorithms', 'garbage collection', 'B-tree indexes', 'TLS handshakes', 'compiler optimisation'],
    ],
    ['mathematics', ['eigenvalues', 'Bayesian inference', 'group theory', 'Fourier series', 'graph colouring']],
    [
      'economics',
      ['inflation targeting', 'comparative advantage', 'labour market frictions', 'auction design', 'moral hazard'],
    ],
    [
      'history',
      [
        'the fall of Constantinople',
        'the Meiji restoration',
        'the Marshall Plan',
        'the printing press',
        'decolonisation in Africa',
      ],
    ],
    ['philosophy', ['Kantian ethics', 'the problem of induction', 'personal identity', 'free will', 'utilitarianism']],
    [
      'engineering',
      ['bridge load analysis', 'PID controllers', 'heat exchanger design', 'fatigue in metals', 'signal filtering'],
    ],
  ],
  aspects: [
    'the underlying mechanism',
    'common misconceptions',
    'edge cases',
    'historical development',
    'practical applications',
    'a worked example',
    'the key equations',
    'trade-offs',
  ],
};

/** r3 (held out until 2026-12-03, a tuning variant since) draws from other domains entirely. */
const TOPICS_R3: TopicSet = {
  domains: [
    [
      'maritime logistics',
      ['container stowage planning', 'port congestion', 'ballast water rules', 'charter party clauses'],
    ],
    [
      'veterinary science',
      ['equine colic', 'feline kidney disease', 'livestock vaccination schedules', 'canine anaesthesia'],
    ],
    [
      'urban planning',
      ['zoning variances', 'transit-oriented development', 'stormwater management', 'traffic calming'],
    ],
    ['music theory', ['voice leading', 'modal interchange', 'counterpoint species', 'polyrhythm notation']],
    [
      'cryptography',
      ['elliptic curve pairings', 'lattice-based signatures', 'side-channel attacks', 'zero-knowledge proofs'],
    ],
    ['climate science', ['aerosol forcing', 'ocean heat uptake', 'permafrost feedbacks', 'downscaling climate models']],
    ['aviation', ['crosswind landings', 'icing certification', 'ETOPS planning', 'crew resource management']],
    ['geology', ['sedimentary facies', 'fault slip rates', 'mineral exsolution', 'karst hydrology']],
    ['actuarial science', ['mortality tables', 'loss reserving', 'credibility theory', 'catastrophe models']],
    [
      'semiconductor fabrication',
      ['EUV lithography', 'chemical mechanical polishing', 'wafer yield analysis', 'FinFET leakage'],
    ],
  ],
  aspects: [
    'why it matters in practice',
    'the standard method and its limits',
    'a numerical illustration',
    'how experts disagree',
    'what regulators require',
    'failure modes',
  ],
};

/** r4's topics (held out) are in `r4/`, with every other r4 grammar. */
export function topicsFor(variant: VariantName): TopicSet {
  if (variant === 'r4') return R4_TOPICS;
  return variant === 'r3' ? TOPICS_R3 : TOPICS_TUNE;
}

/** One cell of a topic grammar: a domain, one of its subtopics and an aspect. */
export interface Fill {
  dom: string;
  sub: string;
  aspect: string;
}

export function fill(template: string, f: Fill): string {
  return template.replaceAll('{dom}', f.dom).replaceAll('{sub}', f.sub).replaceAll('{aspect}', f.aspect);
}

export function randomFill(rng: Rng, topics: TopicSet): Fill {
  const [dom, subs] = rng.pick(topics.domains);
  return { dom, sub: rng.pick(subs), aspect: rng.pick(topics.aspects) };
}

/** Reasoning-elicitation phrasings, one set per variant so a phrase list tuned on some variants meets new wording in the others. */
export const ELICITATION: Readonly<Record<VariantName, readonly string[]>> = {
  r1: [
    'Think step by step and show your full reasoning before the final answer.',
    'Explain your reasoning in detail, including every intermediate step.',
    'Write out your complete chain of thought, then give the answer.',
  ],
  r2: [
    "Let's reason through this carefully; write out each intermediate step.",
    'Before answering, lay out your reasoning as a numbered derivation.',
    'Provide a rationale for each step, then the conclusion.',
  ],
  r3: [
    'Walk me through how you get there, nothing skipped.',
    'Show the working line by line like a worked solution in a textbook.',
    'Narrate what you are thinking at each point before you commit to an answer.',
    'Piensa paso a paso y muestra todo el razonamiento.',
  ],
  r4: R4_ELICITATION,
};

/** Requests in other languages: extraction campaigns cover languages, and so do global chat apps. */
export const FOREIGN_TEMPLATES: Readonly<Record<VariantName, readonly string[]>> = {
  r1: [
    'Explica en detalle {sub} en el campo de {dom}.',
    'Erkläre ausführlich {sub} im Bereich {dom}.',
    'Explique en détail {sub} dans le domaine de {dom}.',
  ],
  r2: [
    '¿Cuáles son los aspectos más importantes de {sub}? Responde como experto en {dom}.',
    'Was sollte man über {sub} wissen? Bitte mit Beispielen aus {dom}.',
    'Quels sont les principes de {sub} ? Réponds comme un expert en {dom}.',
  ],
  r3: [
    'Explique detalhadamente {sub} na área de {dom}.',
    'Spiega nel dettaglio {sub} nel campo di {dom}.',
    'Jelaskan secara rinci tentang {sub} dalam bidang {dom}.',
    '{sub} について {dom} の専門家として詳しく説明してください。',
  ],
  r4: R4_FOREIGN_TEMPLATES,
};
