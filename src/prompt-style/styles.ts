// Prompt styles (`--prompt-style`): which protocol's prompts a run sends. `lmms-eval` is the default
// and exists for every suite; `llama-3.2` is the text Meta documents for the Llama 3.2 Vision model
// card (meta-llama/llama-models models/llama3_2/eval_details.md), and `llama-3.2-90b` Meta's 90B
// text where it differs from the 11B one (ChartQA, AI2D), the 11B text elsewhere.

import { closest, UserError } from '../errors.ts';
import type { PromptStyle, StyledSuite, Suite, SuiteStyle } from '../types.ts';

export const PROMPT_STYLES: readonly PromptStyle[] = ['lmms-eval', 'llama-3.2', 'llama-3.2-90b'];

export const DEFAULT_PROMPT_STYLE: PromptStyle = 'lmms-eval';

export const PROMPT_STYLE_DESCRIPTIONS: Readonly<Record<PromptStyle, string>> = {
  'lmms-eval': "lmms-eval's default prompts and generation lengths",
  'llama-3.2': 'the Llama 3.2 Vision model card prompts (Meta eval_details.md, 11B text)',
  'llama-3.2-90b': "the model card's 90B prompts where Meta's 90B text differs, the 11B text elsewhere",
};

/** A style a suite may lack, and the style whose text it then uses. */
const FALLBACK: Partial<Record<PromptStyle, PromptStyle>> = { 'llama-3.2-90b': 'llama-3.2' };

export function isPromptStyle(name: string): name is PromptStyle {
  return (PROMPT_STYLES as readonly string[]).includes(name);
}

/** `--prompt-style <name>`: a known style, or a UserError with the closest name. */
export function parsePromptStyle(name: string): PromptStyle {
  if (isPromptStyle(name)) return name;
  const hint = closest(name, PROMPT_STYLES);
  throw new UserError(`Unknown prompt style '${name}'.${hint ? ` Did you mean '${hint}'?` : ''} Known: ${PROMPT_STYLES.join(', ')}.`);
}

/** The style entry that serves `style` for this suite (its own, or the one it falls back to). */
function entryFor(suite: Suite, style: PromptStyle): SuiteStyle | undefined {
  const own = suite.styles[style];
  if (own) return own;
  const fallback = FALLBACK[style];
  return fallback ? entryFor(suite, fallback) : undefined;
}

/** Every style a suite can run with, in PROMPT_STYLES order. */
export function stylesOf(suite: Suite): PromptStyle[] {
  return PROMPT_STYLES.filter((style) => entryFor(suite, style) !== undefined);
}

/**
 * The suite with one style chosen. A suite that has no text for the style (COCO captions has no
 * Meta prompt) is the user's mistake: the error names the styles it has.
 */
export function styledSuite(suite: Suite, style: PromptStyle = DEFAULT_PROMPT_STYLE): StyledSuite {
  const entry = entryFor(suite, style);
  if (!entry) {
    throw new UserError(
      `Suite '${suite.id}' has no prompt style '${style}'; it has ${stylesOf(suite).join(', ')}. ` +
        `Run it with one of those (--prompt-style), or leave it out of --suite.`,
    );
  }
  const { styles: _styles, ...common } = suite;
  return {
    ...common,
    version: entry.version,
    prompt: entry.prompt,
    generation: entry.generation,
    extract: entry.extract,
    scoreInput: entry.scoreInput ?? suite.scoreInput,
    promptStyle: style,
  };
}
