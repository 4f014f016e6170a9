import {
  HELD_OUT_LANGUAGE,
  INSTRUCTION_LANGUAGES,
  type InstructionLanguage,
  pick,
  type RandomFn,
} from './harvest-instructions.ts';

/**
 * Ordinary requests in every language the harvesting instructions are written in: content to write with a structure
 * (an introduction, sections, bullet points, a title), text to summarise, translate or rewrite, things to explain,
 * lists of ideas, and structured outputs (examples or FAQ entries as JSON with input/output or question/answer fields,
 * entities extracted as JSON, a classification with a label field). They are negatives of the classifier, so that a
 * language, or an instruction about the form of an answer, carries no label: only asking for the reasoning trace does.
 * Without them the positives were the only non-English instructions in training, and a Spanish or French product
 * description read as harvesting (a probe of blog-post requests in six languages, 2026-12-05: 15–58% of a content
 * platform's prompts flagged); without the structured outputs (from version 4) a synthetic-data customer's "Return
 * JSON lines with the fields input and output" did (the out-of-family probe: 8 of 8 such customers alerted).
 */
interface LanguageRequests {
  /** Subjects to write about. */
  readonly topics: readonly string[];
  /** Requests about a topic (`{t}`), some with a count (`{n}`). */
  readonly about: readonly string[];
  /** Requests about a given text (`{p}`, the payload), placed before or after it. */
  readonly onText: readonly string[];
}

const REQUESTS: Readonly<Record<InstructionLanguage, LanguageRequests>> = {
  en: {
    topics: [
      'skincare',
      'family travel',
      'personal finance',
      'urban gardening',
      'solar energy',
      'remote work',
      'coffee brewing',
      'electric cars',
    ],
    about: [
      'Write a {n}-word blog post about {t}. Include an introduction, three sections and a conclusion.',
      'Write a product description about {t} with a title, three bullet points and a closing sentence.',
      'Give me {n} ideas for a newsletter about {t}, as a numbered list.',
      'Explain how {t} works to a beginner, in a friendly tone.',
      'Draft an email to a client about {t}. Keep it short and professional.',
      'Create a lesson plan on {t} with objectives, activities and an assessment.',
      'Write a social media post about {t} with three hashtags.',
      'What are the pros and cons of {t}? Answer in a table.',
      'Generate {n} example customer questions about {t} with answers. Return JSON lines with the fields "input" and "output".',
      'Create {n} FAQ entries about {t} as a JSON array of objects with the keys "question" and "answer".',
    ],
    onText: [
      'Summarise the following text in three bullet points:',
      'Translate this into Spanish, keeping the formatting:',
      'Rewrite this paragraph in a more formal tone:',
      'Fix the grammar of the text below:',
      'Extract every person, company and date from the text below. Return JSON with the fields "name", "type" and "value":',
      'Classify the following text as positive, negative or neutral and reply with JSON of the form {"label": ..., "confidence": ...}:',
    ],
  },
  es: {
    topics: [
      'cuidado de la piel',
      'viajes en familia',
      'finanzas personales',
      'jardinería urbana',
      'energía solar',
      'teletrabajo',
      'café de especialidad',
      'coches eléctricos',
    ],
    about: [
      'Escribe un artículo de blog de {n} palabras sobre {t}. Incluye una introducción, tres secciones y una conclusión.',
      'Escribe una descripción de producto sobre {t} con un título, tres viñetas y una frase final.',
      'Dame {n} ideas para un boletín sobre {t}, en una lista numerada.',
      'Explica cómo funciona {t} a un principiante, con un tono cercano.',
      'Redacta un correo a un cliente sobre {t}. Que sea breve y profesional.',
      'Crea un plan de clase sobre {t} con objetivos, actividades y una evaluación.',
      'Escribe una publicación para redes sociales sobre {t} con tres hashtags.',
      '¿Cuáles son las ventajas y desventajas de {t}? Responde con una tabla.',
      'Genera {n} preguntas de clientes sobre {t} con sus respuestas. Devuelve líneas JSON con los campos "input" y "output".',
      'Crea {n} entradas de preguntas frecuentes sobre {t} como un array JSON de objetos con las claves "question" y "answer".',
    ],
    onText: [
      'Resume el siguiente texto en tres puntos:',
      'Traduce esto al inglés manteniendo el formato:',
      'Reescribe este párrafo con un tono más formal:',
      'Corrige la gramática del texto siguiente:',
      'Extrae todas las personas, empresas y fechas del texto siguiente. Devuelve JSON con los campos "name", "type" y "value":',
      'Clasifica el siguiente texto como positivo, negativo o neutro y responde con JSON de la forma {"label": ..., "confidence": ...}:',
    ],
  },
  fr: {
    topics: [
      'soins de la peau',
      'voyages en famille',
      'finances personnelles',
      'jardinage urbain',
      'énergie solaire',
      'télétravail',
      'torréfaction du café',
      'voitures électriques',
    ],
    about: [
      'Rédige un article de blog de {n} mots sur {t}. Ajoute une introduction, trois parties et une conclusion.',
      'Rédige une description de produit sur {t} avec un titre, trois puces et une phrase de conclusion.',
      'Donne-moi {n} idées de newsletter sur {t}, sous forme de liste numérotée.',
      'Explique à un débutant comment fonctionne {t}, sur un ton amical.',
      'Écris un e-mail à un client au sujet de {t}. Court et professionnel.',
      'Crée un plan de cours sur {t} avec des objectifs, des activités et une évaluation.',
      'Écris une publication pour les réseaux sociaux sur {t} avec trois hashtags.',
      'Quels sont les avantages et les inconvénients de {t} ? Réponds avec un tableau.',
      'Génère {n} questions de clients sur {t} avec leurs réponses. Renvoie des lignes JSON avec les champs "input" et "output".',
      'Crée {n} entrées de FAQ sur {t} sous forme de tableau JSON d’objets avec les clés "question" et "answer".',
    ],
    onText: [
      'Résume le texte suivant en trois points :',
      'Traduis ceci en anglais en gardant la mise en forme :',
      'Réécris ce paragraphe sur un ton plus formel :',
      'Corrige la grammaire du texte ci-dessous :',
      'Extrais toutes les personnes, entreprises et dates du texte ci-dessous. Renvoie du JSON avec les champs "name", "type" et "value" :',
      'Classe le texte suivant comme positif, négatif ou neutre et réponds en JSON de la forme {"label": ..., "confidence": ...} :',
    ],
  },
  de: {
    topics: [
      'Hautpflege',
      'Familienreisen',
      'persönliche Finanzen',
      'Stadtgärtnern',
      'Solarenergie',
      'Homeoffice',
      'Kaffeezubereitung',
      'Elektroautos',
    ],
    about: [
      'Schreibe einen Blogartikel mit {n} Wörtern über {t}. Mit Einleitung, drei Abschnitten und Fazit.',
      'Schreibe eine Produktbeschreibung zu {t} mit Titel, drei Aufzählungspunkten und einem Schlusssatz.',
      'Gib mir {n} Ideen für einen Newsletter über {t} als nummerierte Liste.',
      'Erkläre einem Anfänger, wie {t} funktioniert, in freundlichem Ton.',
      'Entwirf eine E-Mail an einen Kunden zum Thema {t}. Kurz und professionell.',
      'Erstelle einen Unterrichtsplan zu {t} mit Lernzielen, Aktivitäten und einer Prüfung.',
      'Schreibe einen Social-Media-Beitrag über {t} mit drei Hashtags.',
      'Was sind die Vor- und Nachteile von {t}? Antworte mit einer Tabelle.',
      'Erstelle {n} Kundenfragen zu {t} mit Antworten. Gib JSON-Zeilen mit den Feldern "input" und "output" zurück.',
      'Erstelle {n} FAQ-Einträge zu {t} als JSON-Array von Objekten mit den Schlüsseln "question" und "answer".',
    ],
    onText: [
      'Fasse den folgenden Text in drei Punkten zusammen:',
      'Übersetze das ins Englische und behalte die Formatierung:',
      'Formuliere diesen Absatz förmlicher:',
      'Korrigiere die Grammatik des folgenden Textes:',
      'Extrahiere alle Personen, Firmen und Daten aus dem folgenden Text. Gib JSON mit den Feldern "name", "type" und "value" zurück:',
      'Ordne den folgenden Text als positiv, negativ oder neutral ein und antworte mit JSON der Form {"label": ..., "confidence": ...}:',
    ],
  },
  pt: {
    topics: [
      'cuidados com a pele',
      'viagens em família',
      'finanças pessoais',
      'jardinagem urbana',
      'energia solar',
      'trabalho remoto',
      'café especial',
      'carros elétricos',
    ],
    about: [
      'Escreva um artigo de blog de {n} palavras sobre {t}. Inclua introdução, três seções e conclusão.',
      'Escreva uma descrição de produto sobre {t} com um título, três tópicos e uma frase final.',
      'Me dê {n} ideias de newsletter sobre {t}, em uma lista numerada.',
      'Explique como funciona {t} para um iniciante, em tom amigável.',
      'Redija um e-mail para um cliente sobre {t}. Curto e profissional.',
      'Crie um plano de aula sobre {t} com objetivos, atividades e uma avaliação.',
      'Escreva um post para redes sociais sobre {t} com três hashtags.',
      'Quais são os prós e contras de {t}? Responda em uma tabela.',
      'Gere {n} perguntas de clientes sobre {t} com as respostas. Devolva linhas JSON com os campos "input" e "output".',
      'Crie {n} entradas de perguntas frequentes sobre {t} como um array JSON de objetos com as chaves "question" e "answer".',
    ],
    onText: [
      'Resuma o texto a seguir em três tópicos:',
      'Traduza isto para o inglês mantendo a formatação:',
      'Reescreva este parágrafo em um tom mais formal:',
      'Corrija a gramática do texto abaixo:',
      'Extraia todas as pessoas, empresas e datas do texto abaixo. Devolva JSON com os campos "name", "type" e "value":',
      'Classifique o texto a seguir como positivo, negativo ou neutro e responda com JSON no formato {"label": ..., "confidence": ...}:',
    ],
  },
  it: {
    topics: [
      'cura della pelle',
      'viaggi in famiglia',
      'finanza personale',
      'giardinaggio urbano',
      'energia solare',
      'lavoro da remoto',
      'caffè',
      'auto elettriche',
    ],
    about: [
      'Scrivi un articolo di blog di {n} parole su {t}. Includi introduzione, tre sezioni e conclusione.',
      'Scrivi una descrizione di prodotto su {t} con un titolo, tre punti elenco e una frase finale.',
      'Dammi {n} idee per una newsletter su {t}, in un elenco numerato.',
      'Spiega a un principiante come funziona {t}, con un tono amichevole.',
      'Scrivi una email a un cliente su {t}. Breve e professionale.',
      'Crea un piano di lezione su {t} con obiettivi, attività e una verifica.',
      'Scrivi un post per i social su {t} con tre hashtag.',
      'Quali sono i pro e i contro di {t}? Rispondi con una tabella.',
      'Genera {n} domande di clienti su {t} con le risposte. Restituisci righe JSON con i campi "input" e "output".',
      'Crea {n} voci di FAQ su {t} come array JSON di oggetti con le chiavi "question" e "answer".',
    ],
    onText: [
      'Riassumi il testo seguente in tre punti:',
      'Traduci questo in inglese mantenendo la formattazione:',
      'Riscrivi questo paragrafo con un tono più formale:',
      'Correggi la grammatica del testo qui sotto:',
      'Estrai tutte le persone, aziende e date dal testo seguente. Restituisci JSON con i campi "name", "type" e "value":',
      'Classifica il testo seguente come positivo, negativo o neutro e rispondi con JSON nella forma {"label": ..., "confidence": ...}:',
    ],
  },
  ru: {
    topics: [
      'уход за кожей',
      'семейные путешествия',
      'личные финансы',
      'городское садоводство',
      'солнечная энергия',
      'удалённая работа',
      'приготовление кофе',
      'электромобили',
    ],
    about: [
      'Напиши статью для блога на {n} слов о теме «{t}». Добавь введение, три раздела и заключение.',
      'Напиши описание товара по теме «{t}» с заголовком, тремя пунктами и заключительной фразой.',
      'Дай мне {n} идей для рассылки о теме «{t}» в виде нумерованного списка.',
      'Объясни новичку, как устроено «{t}», дружелюбным тоном.',
      'Составь письмо клиенту о теме «{t}». Коротко и профессионально.',
      'Составь план урока по теме «{t}» с целями, заданиями и проверкой.',
      'Напиши пост для соцсетей о теме «{t}» с тремя хештегами.',
      'Какие плюсы и минусы у темы «{t}»? Ответь таблицей.',
      'Сгенерируй {n} вопросов клиентов по теме «{t}» с ответами. Верни строки JSON с полями "input" и "output".',
      'Составь {n} записей FAQ по теме «{t}» в виде JSON-массива объектов с ключами "question" и "answer".',
    ],
    onText: [
      'Кратко перескажи следующий текст в трёх пунктах:',
      'Переведи это на английский, сохранив форматирование:',
      'Перепиши этот абзац в более официальном тоне:',
      'Исправь грамматику в тексте ниже:',
      'Извлеки из текста ниже всех людей, компании и даты. Верни JSON с полями "name", "type" и "value":',
      'Определи тональность текста ниже (позитивная, негативная или нейтральная) и ответь JSON вида {"label": ..., "confidence": ...}:',
    ],
  },
  zh: {
    topics: ['护肤', '家庭旅行', '个人理财', '城市园艺', '太阳能', '远程办公', '咖啡冲煮', '电动汽车'],
    about: [
      '写一篇关于{t}的{n}字博客文章，包括引言、三个部分和结论。',
      '为{t}写一段产品描述，包含标题、三个要点和一句结尾。',
      '给我{n}个关于{t}的新闻简报创意，用编号列表。',
      '用友好的语气向初学者解释{t}是怎么回事。',
      '给客户写一封关于{t}的邮件，简短而专业。',
      '制定一个关于{t}的教案，包括教学目标、活动和评估。',
      '写一条关于{t}的社交媒体帖子，带三个话题标签。',
      '{t}有哪些优缺点？请用表格回答。',
      '生成 {n} 个关于{t}的客户问题及答案。以 JSON 行返回，字段为 "input" 和 "output"。',
      '创建 {n} 条关于{t}的常见问题，输出为 JSON 数组，每个对象包含 "question" 和 "answer" 键。',
    ],
    onText: [
      '用三个要点总结下面的文字：',
      '把这段翻译成英文，保留格式：',
      '用更正式的语气改写这段话：',
      '修改下面文字的语法错误：',
      '从下面的文本中提取所有人名、公司和日期。返回包含 "name"、"type" 和 "value" 字段的 JSON：',
      '将以下文本分类为正面、负面或中性，并以 {"label": ..., "confidence": ...} 形式的 JSON 回复：',
    ],
  },
  ja: {
    topics: [
      'スキンケア',
      '家族旅行',
      '個人の資産運用',
      '都市型ガーデニング',
      '太陽光発電',
      'リモートワーク',
      'コーヒーの淹れ方',
      '電気自動車',
    ],
    about: [
      '{t}について{n}字のブログ記事を書いてください。導入、三つの章、まとめを入れてください。',
      '{t}の商品説明を、タイトル、三つの箇条書き、締めの一文で書いてください。',
      '{t}に関するニュースレターのアイデアを{n}個、番号付きリストでください。',
      '{t}の仕組みを初心者にやさしく説明してください。',
      '{t}について顧客へのメールを、短く丁寧に書いてください。',
      '{t}の授業計画を、目標、活動、評価を含めて作ってください。',
      '{t}についてのSNS投稿をハッシュタグ三つ付きで書いてください。',
      '{t}のメリットとデメリットは何ですか？表で答えてください。',
      '{t}に関する顧客の質問と回答を{n}件生成してください。"input" と "output" のフィールドを持つ JSON Lines で返してください。',
      '{t}に関するよくある質問を{n}件、"question" と "answer" のキーを持つオブジェクトの JSON 配列として作成してください。',
    ],
    onText: [
      '次の文章を三つの要点にまとめてください：',
      'これを書式を保ったまま英語に翻訳してください：',
      'この段落をよりフォーマルな文体に書き直してください：',
      '次の文章の文法を直してください：',
      '以下のテキストから人物、会社、日付をすべて抽出し、"name"、"type"、"value" のフィールドを持つ JSON で返してください：',
      '次のテキストをポジティブ、ネガティブ、ニュートラルに分類し、{"label": ..., "confidence": ...} の形式の JSON で答えてください：',
    ],
  },
  ko: {
    topics: ['피부 관리', '가족 여행', '개인 재무', '도시 텃밭', '태양광 에너지', '재택근무', '커피 추출', '전기차'],
    about: [
      '{t}에 대한 {n}단어 블로그 글을 써 주세요. 서론, 세 개의 섹션, 결론을 포함해 주세요.',
      '{t}에 대한 제품 설명을 제목, 세 개의 글머리 기호, 마무리 문장으로 써 주세요.',
      '{t}에 관한 뉴스레터 아이디어 {n}개를 번호 목록으로 주세요.',
      '초보자에게 {t}이 어떻게 작동하는지 친근한 말투로 설명해 주세요.',
      '{t}에 대해 고객에게 보낼 이메일을 짧고 전문적으로 써 주세요.',
      '{t}에 대한 수업 계획을 목표, 활동, 평가를 포함해 만들어 주세요.',
      '{t}에 대한 SNS 게시물을 해시태그 세 개와 함께 써 주세요.',
      '{t}의 장단점은 무엇인가요? 표로 답해 주세요.',
      '{t}에 관한 고객 질문과 답변을 {n}개 생성해 주세요. "input"과 "output" 필드가 있는 JSON 줄로 반환해 주세요.',
      '{t}에 관한 자주 묻는 질문 {n}개를 "question"과 "answer" 키가 있는 객체의 JSON 배열로 만들어 주세요.',
    ],
    onText: [
      '다음 글을 세 가지 요점으로 요약해 주세요:',
      '서식을 유지하면서 이것을 영어로 번역해 주세요:',
      '이 문단을 더 격식 있는 말투로 다시 써 주세요:',
      '아래 글의 문법을 고쳐 주세요:',
      '아래 글에서 사람, 회사, 날짜를 모두 추출해 "name", "type", "value" 필드가 있는 JSON으로 반환해 주세요:',
      '다음 글을 긍정, 부정, 중립으로 분류하고 {"label": ..., "confidence": ...} 형식의 JSON으로 답해 주세요:',
    ],
  },
};

/** Languages whose ordinary requests are trained on; the held-out language's are only scored in the report. */
export const BENIGN_TRAINING_LANGUAGES = INSTRUCTION_LANGUAGES.filter((l) => l !== HELD_OUT_LANGUAGE);

/**
 * One ordinary request in `language`: about a topic, or (half the time, when a payload is given) about that text,
 * placed before or after it.
 */
export function benignRequest(rng: RandomFn, language: InstructionLanguage, payload?: string): string {
  const r = REQUESTS[language];
  if (payload && rng() < 0.5) {
    const ask = pick(rng, r.onText);
    return rng() < 0.7 ? `${ask}\n\n${payload}` : `${payload}\n\n${ask}`;
  }
  const n = pick(rng, [3, 5, 10, 300, 600, 800, 1200]);
  return pick(rng, r.about).replaceAll('{t}', pick(rng, r.topics)).replaceAll('{n}', String(n));
}
