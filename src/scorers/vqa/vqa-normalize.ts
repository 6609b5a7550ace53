// Answer normalisation of the VQA accuracy metric, shared by the official evaluator and the lmms-eval
// variant (one implementation, parameterised by `VqaVariant`):
//   official:  GT-Vision-Lab/VQA PythonEvaluationTools/vqaEvaluation/vqaEval.py
//              (`processPunctuation`, `processDigitArticle`),
//              commit a013f0043c1e2cdc995922dfe257f7149aa9af06, run under Python 2.7.
//   lmms-eval: EvolvingLMMs-Lab/lmms-eval lmms_eval/tasks/_task_utils/vqa_eval_metric.py
//              (`EvalAIAnswerProcessor.process_punctuation` / `process_digit_article`),
//              commit 75571cfe0fa36ca5ec2e6aa2bb268f9d38295af3, run under Python 3.
// Spec: ../shared/spec/scoring.md §1.1-1.4. The two differ only in the rules of `RULES` below.

import { py27Lower, isPy27Whitespace } from './py27-unicode.ts';
import { isPyWhitespace, pySplit, pyStrip, type IsSpace } from '../python.ts';

export type VqaVariant = 'official' | 'lmms-eval';

/** The 21 characters processPunctuation handles, in the order the scripts process them. */
const PUNCTUATION = [
  ';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!',
];

/** Any character processPunctuation could touch (the 21 above and the period). */
const MAY_HAVE_PUNCTUATION = /[;\/\[\]"{}()=+\\_\-><@`,?!.]/;

/** Whether a UTF-16 code unit is whitespace for the variant (all of it is in the BMP). */
function mayBeWhitespace(code: number, isSpace: IsSpace): boolean {
  return (code <= 0x20 || code >= 0x7f) && isSpace(code);
}

interface VariantRules {
  /** `commaStrip`: only searched for, anywhere in the original input, as a condition. */
  commaInNumber: RegExp;
  /**
   * `periodStrip` = `(?!<=\d)(\.)(?!\d)`. Its first group is a look-ahead for the literal `<=` plus a
   * digit, which can never match where a `.` is, so the net effect is "a `.` not followed by a digit".
   */
  period: RegExp;
  lower: (text: string) => string;
  /** What `strip()` and `split()` remove. */
  isSpace: IsSpace;
}

const RULES: Readonly<Record<VqaVariant, VariantRules>> = {
  // Python 2.7 `unicode` (Unicode 5.2 case and whitespace), `re` without re.UNICODE: \d is [0-9].
  official: {
    commaInNumber: /[0-9],[0-9]/,
    period: /\.(?![0-9])/g,
    lower: py27Lower,
    isSpace: isPy27Whitespace,
  },
  // Python 3: \d is any Unicode decimal digit; `(,)+` also accepts `1,,000`.
  'lmms-eval': {
    commaInNumber: /(?<=\p{Nd}),+(?=\p{Nd})/u,
    period: /\.(?!\p{Nd})/gu,
    lower: (text) => text.toLowerCase(),
    isSpace: isPyWhitespace,
  },
};

/**
 * Both scripts call `periodStrip.sub("", text, re.UNICODE)`: the flag lands in the `count` parameter
 * (re.UNICODE == 32), so only the first 32 periods are deleted.
 */
const PERIOD_DELETE_LIMIT = 32;

const NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['none', '0'], ['zero', '0'], ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'],
  ['five', '5'], ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9'], ['ten', '10'],
]);

/** The lone option letter "A" is dropped too, as the scripts do. */
const ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

/**
 * The scripts' 120 contractions, verbatim (spec §1.3). The capitalised keys (Id've, I'dve, Im, Ive)
 * can never match because the text is lower-cased first; `somebody'd` maps the wrong way. A Map, not
 * an object, so that a word such as "constructor" cannot hit a prototype property.
 */
export const CONTRACTIONS: ReadonlyMap<string, string> = new Map([
  ["aint", "ain't"], ["arent", "aren't"], ["cant", "can't"], ["couldve", "could've"],
  ["couldnt", "couldn't"], ["couldn'tve", "couldn't've"], ["couldnt've", "couldn't've"],
  ["didnt", "didn't"], ["doesnt", "doesn't"], ["dont", "don't"], ["hadnt", "hadn't"],
  ["hadnt've", "hadn't've"], ["hadn'tve", "hadn't've"], ["hasnt", "hasn't"], ["havent", "haven't"],
  ["hed", "he'd"], ["hed've", "he'd've"], ["he'dve", "he'd've"], ["hes", "he's"],
  ["howd", "how'd"], ["howll", "how'll"], ["hows", "how's"], ["Id've", "I'd've"],
  ["I'dve", "I'd've"], ["Im", "I'm"], ["Ive", "I've"], ["isnt", "isn't"], ["itd", "it'd"],
  ["itd've", "it'd've"], ["it'dve", "it'd've"], ["itll", "it'll"], ["let's", "let's"],
  ["maam", "ma'am"], ["mightnt", "mightn't"], ["mightnt've", "mightn't've"],
  ["mightn'tve", "mightn't've"], ["mightve", "might've"], ["mustnt", "mustn't"],
  ["mustve", "must've"], ["neednt", "needn't"], ["notve", "not've"], ["oclock", "o'clock"],
  ["oughtnt", "oughtn't"], ["ow's'at", "'ow's'at"], ["'ows'at", "'ow's'at"],
  ["'ow'sat", "'ow's'at"], ["shant", "shan't"], ["shed've", "she'd've"], ["she'dve", "she'd've"],
  ["she's", "she's"], ["shouldve", "should've"], ["shouldnt", "shouldn't"],
  ["shouldnt've", "shouldn't've"], ["shouldn'tve", "shouldn't've"], ["somebody'd", "somebodyd"],
  ["somebodyd've", "somebody'd've"], ["somebody'dve", "somebody'd've"],
  ["somebodyll", "somebody'll"], ["somebodys", "somebody's"], ["someoned", "someone'd"],
  ["someoned've", "someone'd've"], ["someone'dve", "someone'd've"], ["someonell", "someone'll"],
  ["someones", "someone's"], ["somethingd", "something'd"], ["somethingd've", "something'd've"],
  ["something'dve", "something'd've"], ["somethingll", "something'll"], ["thats", "that's"],
  ["thered", "there'd"], ["thered've", "there'd've"], ["there'dve", "there'd've"],
  ["therere", "there're"], ["theres", "there's"], ["theyd", "they'd"], ["theyd've", "they'd've"],
  ["they'dve", "they'd've"], ["theyll", "they'll"], ["theyre", "they're"], ["theyve", "they've"],
  ["twas", "'twas"], ["wasnt", "wasn't"], ["wed've", "we'd've"], ["we'dve", "we'd've"],
  ["weve", "we've"], ["werent", "weren't"], ["whatll", "what'll"], ["whatre", "what're"],
  ["whats", "what's"], ["whatve", "what've"], ["whens", "when's"], ["whered", "where'd"],
  ["wheres", "where's"], ["whereve", "where've"], ["whod", "who'd"], ["whod've", "who'd've"],
  ["who'dve", "who'd've"], ["wholl", "who'll"], ["whos", "who's"], ["whove", "who've"],
  ["whyll", "why'll"], ["whyre", "why're"], ["whys", "why's"], ["wont", "won't"],
  ["wouldve", "would've"], ["wouldnt", "wouldn't"], ["wouldnt've", "wouldn't've"],
  ["wouldn'tve", "wouldn't've"], ["yall", "y'all"], ["yall'll", "y'all'll"],
  ["y'allll", "y'all'll"], ["yall'd've", "y'all'd've"], ["y'alld've", "y'all'd've"],
  ["y'all'dve", "y'all'd've"], ["youd", "you'd"], ["youd've", "you'd've"], ["you'dve", "you'd've"],
  ["youll", "you'll"], ["youre", "you're"], ["youve", "you've"],
]);

/**
 * Step 1 of both scripts, for the prediction and every answer: `\n` and `\t` become spaces, then
 * Python `strip()` (2.7's whitespace for the official script). Most answers need neither, so those
 * are returned without copying.
 */
export function trimVqaAnswer(text: string, variant: VqaVariant): string {
  const isSpace = RULES[variant].isSpace;
  let t = text;
  if (t.includes('\n')) t = t.replaceAll('\n', ' ');
  if (t.includes('\t')) t = t.replaceAll('\t', ' ');
  if (t.length === 0 || (!mayBeWhitespace(t.charCodeAt(0), isSpace) && !mayBeWhitespace(t.charCodeAt(t.length - 1), isSpace))) {
    return t;
  }
  return pyStrip(t, isSpace);
}

/**
 * `processPunctuation`. Each character's fate is decided on the ORIGINAL input, not on the partly
 * edited text: it is deleted if the input has it next to a space or has a digit-comma-digit anywhere,
 * otherwise each occurrence becomes a space. Then the first 32 periods not followed by a digit go.
 */
export function processPunctuation(text: string, variant: VqaVariant): string {
  if (!MAY_HAVE_PUNCTUATION.test(text)) return text;
  const rules = RULES[variant];
  const commaInNumber = rules.commaInNumber.test(text);
  let out = text;
  for (const p of PUNCTUATION) {
    // Edits only delete characters or insert spaces, so a character absent from the input is absent
    // from `out` too and its replace would be a no-op.
    if (!text.includes(p)) continue;
    const remove = commaInNumber || text.includes(p + ' ') || text.includes(' ' + p);
    out = out.replaceAll(p, remove ? '' : ' ');
  }
  if (out.includes('.')) {
    let left = PERIOD_DELETE_LIMIT;
    out = out.replace(rules.period, (period) => (left-- > 0 ? '' : period));
  }
  return out;
}

/**
 * What processDigitArticle does to a single lower-cased word: number words (none..ten) become digits,
 * articles are dropped (''), contractions are expanded. The tables share no key and a digit is neither
 * an article nor a contraction key, so one lookup per word does what the scripts' two passes do.
 */
const WORD_REWRITES: ReadonlyMap<string, string> = new Map([
  ...NUMBER_WORDS,
  ...[...ARTICLES].map((article) => [article, ''] as const),
  ...CONTRACTIONS,
]);

/**
 * `processDigitArticle`: lower-case, split on Python whitespace, number words to digits (none..ten),
 * drop articles, expand contractions, join with single spaces.
 */
export function processDigitArticle(text: string, variant: VqaVariant): string {
  const rules = RULES[variant];
  return rewriteWords(pySplit(rules.lower(text), rules.isSpace));
}

function rewriteWords(words: readonly string[]): string {
  let out = '';
  for (const word of words) {
    const rewritten = WORD_REWRITES.get(word) ?? word;
    if (rewritten === '') continue;
    out = out === '' ? rewritten : out + ' ' + rewritten;
  }
  return out;
}

/**
 * Whether `text` is lower-case ASCII words (letters, digits, apostrophes) separated by single spaces,
 * the usual VQA answer. processPunctuation leaves such text alone (`'` is not one of its characters),
 * lower-casing changes nothing and `str.split()` is a split on ' ', so only the word rewrites remain.
 * A character loop: far cheaper than a regex call on strings this short.
 */
function isPlainWords(text: string): boolean {
  let afterSpace = true; // also rejects a leading space
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27) {
      afterSpace = false;
    } else {
      return false;
    }
  }
  return !afterSpace; // rejects '' and a trailing space
}

/** `rewriteWords` for plain words, returning `text` itself (no split, no join) when no word changes. */
function rewritePlainWords(text: string): string {
  let out: string | undefined; // stays undefined while every word is kept as it is
  let start = 0;
  for (;;) {
    const space = text.indexOf(' ', start);
    const word = space < 0 ? text.slice(start) : text.slice(start, space);
    const rewritten = WORD_REWRITES.get(word);
    if (rewritten !== undefined && out === undefined) out = start === 0 ? '' : text.slice(0, start - 1);
    if (out !== undefined) {
      const kept = rewritten ?? word;
      if (kept !== '') out = out === '' ? kept : out + ' ' + kept;
    }
    if (space < 0) return out ?? text;
    start = space + 1;
  }
}

/**
 * `processPunctuation` then `processDigitArticle`, as both scripts apply them to a trimmed answer.
 * `memo` (one per variant) keeps the results of the slow path, for callers that score many answers.
 */
export function normalizeVqaAnswer(trimmed: string, variant: VqaVariant, memo?: Map<string, string>): string {
  if (isPlainWords(trimmed)) return rewritePlainWords(trimmed);
  let out = memo?.get(trimmed);
  if (out === undefined) {
    out = processDigitArticle(processPunctuation(trimmed, variant), variant);
    memo?.set(trimmed, out);
  }
  return out;
}
