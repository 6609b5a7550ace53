// The token rules of Stanford CoreNLP 3.4.1's PTBLexer (stanfordnlp/CoreNLP tag v3.4.1,
// bdb70c39645306e48aa295ae7b4734c4b8fd2f39, src/edu/stanford/nlp/process/PTBLexer.flex) with the
// options `PTBTokenizer -preserveLines` runs it with: PTB3 escaping (brackets, LaTeX quotes, `...`,
// `--`, currency, fractions, non-breaking spaces inside tokens), no americanization, no escaping of
// `/` and `*`, untokenizable characters deleted. CoreNLP is GPL, so this is a reimplementation of the
// behaviour (spec: ../shared/spec/scoring.md §5.1, checked against coco_ptb.jsonl), not a port:
// the rules are written as JavaScript regular expressions and cover what image captions contain.
//
// JFlex semantics reproduced: the longest match wins and, on equal length, the earlier rule; a rule
// with trailing context (`r1/r2`) competes with the length of r1r2 but consumes r1 only; the lexer
// is caseless outside character classes (see `caseless`).

/** What a rule turns its text into: a token, nothing (skipped), a line break, or a token plus how
 * many characters it really consumes (JFlex `yypushback`). */
export type PtbEmit = string | null | typeof PTB_NEWLINE | { token: string; consume: number };

export const PTB_NEWLINE: unique symbol = Symbol('ptb-newline');

export interface PtbRule {
  name: string;
  /** Characters that can start a match (a quick filter before running the patterns). */
  first: RegExp;
  /** Optional cheap sticky test that must pass before the patterns are tried. */
  guard: RegExp | null;
  /** Sticky patterns; with `context`, group 1 is r1 and the rest of the match is r2. */
  patterns: RegExp[];
  context: boolean;
  act: (token: string) => PtbEmit;
}

/**
 * JFlex %caseless: letters outside character classes match either case, classes stay as written
 * (so `[M]iss` needs a capital M, as in the .flex file).
 */
export function caseless(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1];
      let len = 2;
      if (next === 'p' || next === 'P') len = source.indexOf('}', i) - i + 1;
      else if (next === 'u') len = 6;
      else if (next === 'x') len = 4;
      out += source.slice(i, i + len);
      i += len - 1;
    } else if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
    } else if (/[A-Za-z]/.test(ch)) {
      out += `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    } else {
      out += ch;
    }
  }
  return out;
}

// ---- Macros (names follow PTBLexer.flex) ----
/** `{MARKS}`: the combining marks the lexer counts as letters, filled in by `letterMarks`. */
const LETTER = '[\\p{L}\\u00AD{MARKS}]';
const ALNUM = String.raw`[\p{L}\p{Nd}]`;
const DIGIT = String.raw`\p{Nd}`;
const SPACE = String.raw`[ \t\u00A0\u2000-\u200A\u3000]`;
const NEWLINE = String.raw`(?:\r\n|[\r\n\u2028\u2029\u000B\u000C\u0085])`;
const SPACENL = `(?:${SPACE}|${NEWLINE})`;
const APOS = String.raw`['\u0092\u2019]`;
const APOSETC = String.raw`['\u0092\u2019\u0091\u2018\u201B]`;
const WORD = `${LETTER}+`;
const REDAUX = `${APOS}(?:[msdMSD]|re|ve|ll)`;
const SWORD = String.raw`[A-Za-z\u00AD]*[A-MO-Za-mo-z]\u00AD*`;
const SREDAUX = `n${APOSETC}t`;
const NUM = String.raw`\p{Nd}*(?:[.:,\u00AD\u066B\u066C]\p{Nd}+)+|\p{Nd}+`;
const ACRO = String.raw`[A-Za-z](?:\.[A-Za-z])+|(?:Canada|Sino|Korean|EU|Japan|non)-U\.S|U\.S\.-(?:U\.K|U\.S\.S\.R)`;
const SGML = String.raw`<(?:[!?][A-Za-z\-][^>\r\n]*|\/?[A-Za-z][A-Za-z0-9:.\-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.\-]*|[A-Za-z][A-Za-z0-9_:.\-]*[ ]*=[ ]*['"][^\r\n'"]*['"]|['"][^\r\n'"]*['"]|[ ]*\/))*[ ]*)>`;
const ABMONTH = 'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const ABDAYS = 'Mon|Tue|Tues|Wed|Thu|Thurs|Fri';
const ABSTATE =
  'Ala|Ariz|[A]z|[A]rk|Calif|Colo|Conn|Ct|Dak|[D]el|Fla|Ga|[I]ll|Ind|Kans?|Ky|[L]a|[M]ass|Md|Mich|Minn|[M]iss|Mo|Mont|Neb|Nev|Okla|[O]re|[P]a|Penn|Tenn|[T]ex|Va|Vt|[W]ash|Wisc?|Wyo';
const ABCOMP = 'Inc|Cos?|Corp|Pp?t[ye]s?|Ltd|Plc|Rt|Bancorp|Bhd|Assn|Univ|Intl|Sys';
const ABBREV1_WORDS = String.raw`${ABMONTH}|${ABDAYS}|${ABSTATE}|${ABCOMP}|tel|est|ext|sq|Jr|Bros|(?:Ed|Ph)\.D|Esq|etc|al|seq|Bldg`;
const ABBREV1 = `(?:${ABBREV1_WORDS})\\.`;
const ABTITLE =
  'Mr|Mrs|Ms|[M]iss|Drs?|Profs?|Sens?|Reps?|Attys?|Lt|Col|Gen|Messrs|Govs?|Adm|Rev|Maj|Sgt|Cpl|Pvt|Capt|Ste?|Ave|Pres|Lieut|Rt|Hon|Brig|Co?mdr|Pfc|Spc|Supts?|Det|Mt|Ft|Adj|Adv|Asst|Assoc|Ens|Insp|Mlle|Mme|Msgr|Sfc|Sr';
const ABBREV2_WORDS = String.raw`${ABTITLE}|vs|[v]|Alex|Wm|Jos|Cie|a\.k\.a|cf|TREAS|Ph|${ACRO}|Invt|Elec|Natl|M[ft]g|Dept|Blvd|Rd|Ave`;
const ABBREV2 = `(?:${ABBREV2_WORDS})\\.`;
const ABBREV3_WORDS = 'ca|figs?|prop|nos?|sect?s?|arts?|paras?|bldg|pp|op|approx|[P][t]|rs';
const ABBREV3 = `(?:${ABBREV3_WORDS})\\.`;
/** Every word an abbreviation rule keeps together with its period (for the fast path). */
export const ABBREVIATION_WORDS = `${ABBREV1_WORDS}|${ABBREV2_WORDS}|${ABBREV3_WORDS}`;
/** Words after which an acronym's period also ends the sentence (first letter case-sensitive). */
const SENTENCE_STARTS =
  String.raw`[A]bout|[A]ccording|[A]dditionally|[A]fter|[A]n|[A]|[A]s|[A]t|[B]ut|[D]id|[D]uring|[E]arlier|[H]e|[H]er|[H]ere|[H]ow|[H]owever|[I]f|[I]n|[I]t|[L]ast|[M]any|[M]ore|[M]r\.|[M]s\.|[N]ow|[O]nce|[O]ne|[O]ther|[O]ur|[S]he|[S]ince|[S]o|[S]ome|[S]uch|[T]hat|[T]he|[T]heir|[T]hen|[T]here|[T]hese|[T]hey|[T]his|[W]e|[W]hen|[W]hile|[W]hat|[W]ho|[W]hy|[Y]et|[Y]ou`;
const PHONE = String.raw`(?:\([0-9]{2,3}\)[ \u00A0]?|(?:\+\+?)?(?:[0-9]{2,4}[\- \u00A0])?[0-9]{2,4}[\- \u00A0])[0-9]{3,4}[\- \u00A0]?[0-9]{3,5}|(?:(?:\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}`;
const HTHING = String.raw`[A-Za-z0-9][A-Za-z0-9.,\u00AD]*(?:-(?:(?:${ACRO})\.|[A-Za-z0-9\u00AD]+))+`;
const THING = `(?:[dDoOlL]${APOSETC}${ALNUM})?${ALNUM}+(?:[\\-_\\u058A\\u2010\\u2011](?:[dDoOlL]${APOSETC}${ALNUM})?${ALNUM}+)*`;
const THINGA = String.raw`[A-Z]+(?:(?:[+&]|&amp;)[A-Z]+)+`;
const INSENTP = String.raw`[,;:\u3001]`;
const QUOTE_CHARS = String.raw`[\x60\u2018\u2019\u201A\u201B\u201C\u201D\u0091\u0092\u0093\u0094\u201E\u201F\u2039\u203A\u00AB\u00BB]`;
const MISCSYMBOL = String.raw`[+%&~\^|\\\u00A6\u00A7\u00A8\u00A9\u00AC\u00AE\u00AF\u00B0-\u00B3\u00B4-\u00BA\u00D7\u00F7\u0387\u05BE\u05C0\u05C3\u05C6\u05F3\u05F4\u0600-\u0603\u0606-\u060A\u060C\u0614\u061B\u061E\u066A\u066D\u0703-\u070D\u07F6\u07F7\u07F8\u0964\u0965\u0E4F\u1FBD\u2016\u2017\u2020-\u2025\u2030-\u2038\u203B\u203C\u2043\u203E-\u2042\u2044\u207A-\u207F\u208A-\u208E\u2100-\u214F\u2190-\u21FF\u2200-\u2BFF\u3001-\u3006\u3008-\u3020\u30FB\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]`;
const DOLSIGN2 = String.raw`[\u00A2\u00A3\u00A4\u00A5\u0080\u20A0\u20AC\u060B\u0E3F\u20A4\uFFE0\uFFE1\uFFE5\uFFE6]`;
const CLASS_NOT_URL = String.raw`[^ \t\n\f\r"\x60'<>|.!?(){}\x2C-\x5F$]`; // `,-_` is a range in the .flex file

// ---- Actions ----
const keep = (t: string): string => t;
const skip = (): null => null;
const constant =
  (s: string) =>
  (): string =>
    s;

function removeSoftHyphens(t: string): string {
  const out = t.replace(/\u00AD/g, '');
  return out === '' ? '-' : out;
}

/** PTBLexer latexQuotes: ASCII quotes by guessed side, curly and CP1252 ones by their own side. */
export function latexQuotes(t: string, probablyLeft: boolean): string {
  let s = probablyLeft ? t.replace(/'/g, '`').replace(/"|&quot;/g, '``') : t.replace(/"|&quot;/g, "''");
  s = s.replace(/[\u0091\u2018\u201B\u2039]/g, '`').replace(/[\u0092\u2019\u203A]/g, "'");
  return s.replace(/[\u0093\u201C\u00AB]/g, '``').replace(/[\u0094\u201D\u00BB]/g, "''");
}
const quotes = (probablyLeft: boolean) => (t: string) => latexQuotes(t, probablyLeft);
const nbsp = (t: string): string => t.replace(/ /g, '\u00A0');
const brackets = (t: string): string => t.replace(/\(/g, '-LRB-').replace(/\)/g, '-RRB-');
const amp = (t: string): string => t.replace(/&amp;/gi, '&');
/** Token with the final period, which is also returned again as the next token. */
const keepAndRepeatPeriod = (t: string): PtbEmit => ({ token: t, consume: t.length - 1 });
const pushBack = (n: number) => (t: string) => ({ token: t.slice(0, t.length - n), consume: t.length - n });
const FRACTIONS: Record<string, string> = { '\u00BC': '1/4', '\u00BD': '1/2', '\u00BE': '3/4', '\u2153': '1/3', '\u2154': '2/3' };
const CURRENCY: Record<string, string> = { '\u00A2': 'cents', '\u00A3': '#', '\u0080': '$', '\u00A4': '$', '\u20A0': '$', '\u20AC': '$' };

type RuleSpec = [
  name: string,
  first: string,
  tokens: string | string[],
  context: string | null,
  act: (t: string) => PtbEmit,
  guard?: string,
];

/** The abbreviation rules all need a period right after the first run of letters (or the hyphen of
 * "Canada-U.S."): testing that first spares the long alternations on every other word. */
const ABBREV_GUARD = String.raw`[A-Za-z]+[.\-]`;

// In priority order (JFlex picks the earlier rule on equal length).
const SPECS: RuleSpec[] = [
  ['cannot', '[cC]', 'cannot', null, pushBack(3)],
  ['assimilations', '[gGwWlL]', 'gonna|gotta|lemme|gimme|wanna', null, pushBack(2)],
  ['sgml', '<', SGML, null, nbsp],
  ['mdash', String.raw`[&\u0096\u0097\u2013\u2014\u2015]`, String.raw`&(?:MD|mdash|ndash);|[\u0096\u0097\u2013\u2014\u2015]`, null, constant('--')],
  ['amp', '&', '&amp;', null, constant('&')],
  ['word+redaux', LETTER, WORD, REDAUX, removeSoftHyphens],
  ['sword+sredaux', String.raw`[A-Za-z\u00AD]`, SWORD, SREDAUX, removeSoftHyphens],
  ['word', LETTER, WORD, null, removeSoftHyphens],
  [
    'apoword',
    String.raw`['\u0092\u2019\p{L}]`,
    [
      `${APOS}n${APOS}?`, `[lLdDjJ]${APOS}`, `(?:Dunkin|somethin|ol)${APOS}`, `${APOS}em`,
      `[A-HJ-XZn]${APOSETC}\\p{L}{2,}`, `${APOS}[2-9]0s`, `${APOS}till?`,
      `\\p{L}+[aeiouyAEIOUY]${APOSETC}[aeiouA-Z]\\p{L}*`, `${APOS}cause`, `cont'd\\.?`,
      `'twas|nor'easter|c'mon|e'er|s'mores|ev'ry|li'l|nat'l`,
    ],
    null,
    quotes(false),
  ],
  ['apoword2', '[yY]', `y${APOS}`, String.raw`\p{L}`, keep],
  ['fullurl', '[hH]', String.raw`https?:\/\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},\-]`, null, keep],
  [
    'likelyurl',
    `${CLASS_NOT_URL}|W`,
    String.raw`(?:www\.(?:[^ \t\n\f\r"<>|.!?(){},]+\.)+[a-zA-Z]{2,4}|(?:${CLASS_NOT_URL}+\.)+(?:com|net|org|edu))(?:\/[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},\-])?`,
    null,
    keep,
  ],
  ['email', String.raw`[a-zA-Z0-9._%+\-]`, String.raw`(?:mailto:)?[a-zA-Z0-9._%+\-]+@[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]`, null, keep],
  ['twitter', '[@#]', `@[a-zA-Z_][a-zA-Z_0-9]*|#${WORD}`, null, keep],
  ['redaux+nonletter', APOS, REDAUX, '[^A-Za-z]', quotes(false)],
  ['sredaux', '[nN]', SREDAUX, null, quotes(false)],
  ['date', DIGIT, String.raw`\p{Nd}{1,2}[\-\/]\p{Nd}{1,2}[\-\/]\p{Nd}{2,4}`, null, keep],
  ['number', String.raw`[\-+.:,\u00AD\u066B\u066C\p{Nd}]`, `[\\-+]?(?:${NUM})`, null, removeSoftHyphens],
  ['subsupnum', String.raw`[\u207A\u207B\u208A\u208B\u2070\u00B9\u00B2\u00B3\u2074-\u2079\u2080-\u2089]`,
    String.raw`[\u207A\u207B\u208A\u208B]?(?:[\u2070\u00B9\u00B2\u00B3\u2074-\u2079]+|[\u2080-\u2089]+)`, null, keep],
  ['frac', DIGIT, String.raw`(?:\p{Nd}{1,4}[\- \u00A0])?\p{Nd}{1,4}(?:\\?\/|\u2044)\p{Nd}{1,4}`, null, nbsp],
  ['frac2', String.raw`[\u00BC\u00BD\u00BE\u2153-\u215E]`, String.raw`[\u00BC\u00BD\u00BE\u2153-\u215E]`, null, (t) => FRACTIONS[t] ?? t],
  ['tbspec', String.raw`[\-cCpPaAsS]`,
    String.raw`-(?:RRB|LRB|RCB|LCB|RSB|LSB)-|C\.D\.s|pro-|anti-|S(?:&|&amp;)P-500|S(?:&|&amp;)Ls|Cap${APOS}n|c${APOS}est`, null, amp],
  ['thing3', '[A-Za-z0-9]', String.raw`[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\?\/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}`, null, keep],
  ['dolsign', '[A-Z$#]', String.raw`[A-Z]*\$|#`, null, keep],
  ['dolsign2', DOLSIGN2, DOLSIGN2, null, (t) => CURRENCY[t] ?? t],
  [
    'acronym+sentence',
    '[A-Za-z]',
    String.raw`(?:[A-Za-z](?:\.[A-Za-z])*|(?:Canada|Sino|Korean|EU|Japan|non)-U\.S|U\.S\.-(?:U\.K|U\.S\.S\.R))\.`,
    `${SPACENL}+(?:${SENTENCE_STARTS}|${SGML})(?:${SPACENL}|[?!])`,
    // "I." is "I" + "."; a longer acronym keeps its period and the period is repeated.
    (t) => (t.length === 2 ? { token: t.slice(0, 1), consume: 1 } : keepAndRepeatPeriod(t)),
    ABBREV_GUARD,
  ],
  ['abbrev3+digit', '[A-Za-z]', ABBREV3, `${SPACENL}?${DIGIT}`, keep, ABBREV_GUARD],
  ['abbrev1+sentend', '[A-Za-z]', ABBREV1, `${SPACENL}(?:${SPACENL}|\\p{Lu}|${SGML})`, keepAndRepeatPeriod, ABBREV_GUARD],
  ['abbrev1+any', '[A-Za-z]', ABBREV1, String.raw`[^][^]`, keep, ABBREV_GUARD],
  ['abbrev1', '[A-Za-z]', ABBREV1, null, keepAndRepeatPeriod, ABBREV_GUARD],
  ['abbrev2', '[A-Za-z]', ABBREV2, null, keep, ABBREV_GUARD],
  ['acro+space', '[A-Za-z]', ACRO, SPACENL, keep, ABBREV_GUARD],
  ['tbspec2+space', APOS, `${APOS}[0-9][0-9]`, SPACENL, keep],
  ['word.+insentp', LETTER, `${WORD}\\.`, INSENTP, removeSoftHyphens],
  ['phone', String.raw`[(+0-9]`, PHONE, null, (t) => brackets(nbsp(t))],
  ['dblquot+alnum', '["&]', '"|&quot;', String.raw`[A-Za-z0-9$]`, quotes(true)],
  ['dblquot', '["&]', '"|&quot;', null, quotes(false)],
  ['delete', String.raw`\x7F`, String.raw`\x7F`, null, skip],
  ['lessthan', '[<&]', '<|&lt;', null, constant('<')],
  ['greaterthan', '[>&]', '>|&gt;', null, constant('>')],
  ['smiley', '[<>:;=]', String.raw`[<>]?[:;=][\-o*']?[()DPdpO\\{@|\[\]]`, '[^A-Za-z0-9]', brackets],
  ['lcb', String.raw`\{`, String.raw`\{`, null, constant('-LCB-')],
  ['rcb', String.raw`\}`, String.raw`\}`, null, constant('-RCB-')],
  ['lsb', String.raw`\[`, String.raw`\[`, null, constant('-LSB-')],
  ['rsb', String.raw`\]`, String.raw`\]`, null, constant('-RSB-')],
  ['lrb', String.raw`\(`, String.raw`\(`, null, constant('-LRB-')],
  ['rrb', String.raw`\)`, String.raw`\)`, null, constant('-RRB-')],
  ['hyphens', '-', '-+', null, (t) => (t.length >= 3 && t.length <= 4 ? '--' : t)],
  ['ldots+period', String.raw`[.\u0085\u2026]`, String.raw`\.\.\.+|[\u0085\u2026]`, `\\.${SPACENL}+\\p{L}`, constant('...')],
  ['spacedldots+period', '[.]', String.raw`\.[ \u00A0](?:\.[ \u00A0])+\.`, `${SPACE}\\.${SPACENL}+\\p{L}`, constant('...')],
  ['ldots', String.raw`[.\u0085\u2026]`, [String.raw`\.\.\.+|[\u0085\u2026]`, String.raw`\.[ \u00A0](?:\.[ \u00A0])+\.`], null, constant('...')],
  ['fnmarks', '[@#_]', '@+|#+|_+', null, keep],
  ['asts', String.raw`[*\\]`, String.raw`\*+|(?:\\\*){1,3}`, null, keep],
  ['insentp', INSENTP, INSENTP, null, keep],
  ['bang', '[?!]', '[?!]+', null, keep],
  ['period', String.raw`[.\u00A1\u00BF\u037E\u0589\u061F\u06D4\u0700-\u0702\u07FA\u3002]`,
    String.raw`[.\u00A1\u00BF\u037E\u0589\u061F\u06D4\u0700-\u0702\u07FA\u3002]`, null, keep],
  ['equals', '=', '=', null, keep],
  ['slash', String.raw`\/`, String.raw`\/`, null, keep],
  ['hthing.+insentp', '[A-Za-z0-9]', `${HTHING}\\.`, INSENTP, removeSoftHyphens],
  ['hthing', '[A-Za-z0-9]', HTHING, null, removeSoftHyphens],
  ['thing.+insentp', ALNUM, `${THING}\\.`, INSENTP, quotes(false)],
  ['thing', ALNUM, THING, null, quotes(false)],
  ['thinga.+insentp', '[A-Z]', `${THINGA}\\.`, INSENTP, amp],
  ['thinga', '[A-Z]', THINGA, null, amp],
  ['openquote', "'", "'", String.raw`[A-Za-z][^ \t\n\r\u00A0]`, quotes(true)],
  ['redaux', APOS, REDAUX, null, quotes(false)],
  ['quotes', String.raw`['\u0092\u2019\x60\u2018\u201A-\u201F\u0091\u0093\u0094\u2039\u203A\u00AB\u00BB]`, [APOS, "''", `${QUOTE_CHARS}{1,2}`], null, quotes(false)],
  ['duckfeet', '[<>]', '<<|>>', null, keep],
  ['miscsymbol', MISCSYMBOL, MISCSYMBOL, null, keep],
  ['cp1252', String.raw`[\u0095\u0099]`, String.raw`[\u0095\u0099]`, null, (t) => (t === '\u0095' ? '\u2022' : '\u2122')],
  ['space', String.raw`[\0 \t\u00A0\u2000-\u200A\u3000\u200B\u200E\u200F\uFEFF]`, String.raw`\0|${SPACE}+|[\u200B\u200E\u200F\uFEFF]`, null, skip],
  ['newline', String.raw`[\r\n\u2028\u2029\u000B\u000C\u0085]`, NEWLINE, null, () => PTB_NEWLINE],
  ['nbsp-entity', '&', '&nbsp;', null, skip],
];

/**
 * The lexer's letters are Java letters (= \p{L}), the soft hyphen, and the combining marks of the
 * scripts up to Lao (U+0300–U+0EFF: Latin diacritics, Greek, Cyrillic, Hebrew, Arabic, Indic, Thai);
 * later marks such as the emoji variation selector U+FE0F are untokenizable and deleted.
 */
function letterMarks(): string {
  let out = '';
  const mark = /\p{M}/u;
  for (let cp = 0x300; cp < 0xf00; cp++) {
    if (!mark.test(String.fromCharCode(cp))) continue;
    let end = cp;
    while (end + 1 < 0xf00 && mark.test(String.fromCharCode(end + 1))) end++;
    const hex = (n: number) => `\\u${n.toString(16).padStart(4, '0')}`;
    out += end === cp ? hex(cp) : `${hex(cp)}-${hex(end)}`;
    cp = end;
  }
  return out;
}

let compiled: PtbRule[] | null = null;

/** The rules, compiled on first use (nothing is built at import time). */
export function ptbRules(): PtbRule[] {
  if (compiled !== null) return compiled;
  const marks = letterMarks();
  const expand = (source: string) => source.replaceAll('{MARKS}', marks);
  compiled = SPECS.map(([name, first, tokens, context, act, guard]) => ({
    name,
    first: new RegExp(`^(?:${expand(first)})$`, 'u'),
    guard: guard === undefined ? null : new RegExp(guard, 'uy'),
    patterns: (Array.isArray(tokens) ? tokens : [tokens]).map(
      (t) => new RegExp(expand(caseless(context === null ? `(?:${t})` : `(${t})(?:${context})`)), 'uy'),
    ),
    context: context !== null,
    act,
  }));
  return compiled;
}
