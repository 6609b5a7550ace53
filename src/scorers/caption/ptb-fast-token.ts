// A shortcut past the PTBLexer rules of ./ptb-rules.ts for the commonest caption text: plain
// words and lone commas and periods. Running every rule on each word is slow (COCO val has 30,000
// captions); these cases return exactly what the rules would, and defer to them whenever another
// rule could match something longer. Reference and spec: see ./ptb-rules.ts.

import { ABBREVIATION_WORDS, caseless } from './ptb-rules.ts';

let abbreviationWord: RegExp | null = null;
const ASSIMILATION = /^(?:cannot|gonna|gotta|lemme|gimme|wanna)$/i;

/** Space, tab, "\n" or the end of the text (charCodeAt gives NaN there). */
function isBreak(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || Number.isNaN(code);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * The token at `i` when it is one of the common trivial cases, with where it ends; null to run the
 * rules. Covers a run of ASCII letters followed by a break, or by "," or "." and a break (unless
 * the word is an assimilation like "gonna" or an abbreviation like "etc"), and a lone "." or ",".
 * No other rule can match longer there: the longer ones need an apostrophe, digit, hyphen, "@",
 * "$", "/", "&", "+", a letter after the period, or an abbreviation list word.
 */
export function fastToken(src: string, i: number): { token: string; end: number } | null {
  const code = src.charCodeAt(i);
  if (code === 44 || code === 46) {
    const next = src.charCodeAt(i + 1);
    // ". . ." (spaced ellipsis) and ",5" / ".5" (numbers) need the rules.
    if (isBreak(next) && (code === 44 || next !== 32 || src.charCodeAt(i + 2) !== 46)) {
      return { token: src[i], end: i + 1 };
    }
    return null;
  }
  if (!isAsciiLetter(code)) return null;
  let j = i + 1;
  while (j < src.length && isAsciiLetter(src.charCodeAt(j))) j++;
  const next = src.charCodeAt(j);
  if (!isBreak(next) && !((next === 44 || next === 46) && isBreak(src.charCodeAt(j + 1)))) return null;
  const word = src.slice(i, j);
  if (ASSIMILATION.test(word)) return null;
  if (next === 46) {
    abbreviationWord ??= new RegExp(caseless(`^(?:${ABBREVIATION_WORDS})$`), 'u');
    if (abbreviationWord.test(word)) return null;
  }
  return { token: word, end: j };
}
