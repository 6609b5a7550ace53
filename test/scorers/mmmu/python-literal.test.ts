import { describe, expect, it } from 'vitest';
import { parseListOrString, parsePythonStringList } from '../../../src/scorers/mmmu/python-literal.ts';

// Expected values checked against CPython 3.11 `ast.literal_eval`.
describe('parsePythonStringList', () => {
  it.each<[string, string[]]>([
    [`['12', "it's", '3']`, ['12', "it's", '3']],
    ['[]', []],
    ['[ ]', []],
    [` ['a' , 'b' , ] `, ['a', 'b']],
    ['[\n  \'a\',\n  \'b\'\n]', ['a', 'b']],
    ["['1', '2', 'Not exist']", ['1', '2', 'Not exist']],
    ["['<image 1>', '<image 2>']", ['<image 1>', '<image 2>']],
    [String.raw`['a\nb', 'c\td', 'e\\f', 'g\'h', "i\"j"]`, ['a\nb', 'c\td', 'e\\f', "g'h", 'i"j']],
    [String.raw`['\x41\u00e9\U0001F600']`, ['Aé😀']],
    [String.raw`['\101\0', '\r\a\b\f\v']`, ['A\0', '\r\x07\b\f\v']],
    [String.raw`['q\dz']`, ['q\\dz']], // an unknown escape stays as written
    ["['ab' 'cd', 'e']", ['abcd', 'e']], // adjacent literals concatenate
    ["[u'uu', r'r\\n', '''tri'ple''']", ['uu', 'r\\n', "tri'ple"]],
    ["['α', '😀', \"both ' and \\\"\"]", ['α', '😀', `both ' and "`]],
    ["['a\\\nb']", ['ab']], // backslash-newline continues the line
  ])('%s', (text, expected) => {
    expect(parsePythonStringList(text)).toEqual(expected);
  });

  it('round-trips what Python repr() writes for awkward strings', () => {
    // repr(['it\'s', 'both \' and "', '\x00\x7f\u2028', 'tab\there'])
    const text = String.raw`["it's", 'both \' and "', '\x00\x7f\u2028', 'tab\there']`;
    expect(parsePythonStringList(text)).toEqual(["it's", `both ' and "`, '\x00\x7f\u2028', 'tab\there']);
  });

  it.each<[string, RegExp]>([
    ["'a'", /expected '\['/],
    ["['a',,]", /expected a string literal at offset 5/],
    ['[1, 2]', /expected a string literal at offset 1/],
    ['[,]', /expected a string literal/],
    ["['a'", /missing '\]'/],
    ['[', /missing '\]'/],
    ["['a' , 'b'", /missing '\]'/],
    ["['a' 1]", /expected ',' or '\]'/],
    ["['a'] x", /unexpected text after '\]'/],
    ["['abc", /unterminated string literal/],
    ["['a\nb']", /line break inside a string literal/],
    [String.raw`['\xZ1']`, /truncated \\x escape/],
    [String.raw`['\u12']`, /truncated \\u escape/],
    [String.raw`['\U00110000']`, /beyond U\+10FFFF/],
    [String.raw`['\N{EM DASH}']`, /named \\N\{...\} escapes are not supported/],
    ["[b'x']", /expected a string literal/],
    ["[['a']]", /expected a string literal/],
  ])('rejects %s', (text, message) => {
    expect(() => parsePythonStringList(text)).toThrow(message);
  });

  it('quotes the bad input in the error', () => {
    expect(() => parsePythonStringList('[1]')).toThrow('Not a Python list of strings');
    expect(() => parsePythonStringList('[1]')).toThrow('"[1]"');
  });
});

describe('parseListOrString (gold answers, scoring.md §2.1)', () => {
  it('parses a list literal', () => {
    expect(parseListOrString("['24/7', '3.429']")).toEqual(['24/7', '3.429']);
  });
  it('keeps a plain string', () => {
    expect(parseListOrString('3.429')).toBe('3.429');
  });
  it('falls back to the raw string when the list does not parse', () => {
    expect(parseListOrString('[0, 1)')).toBe('[0, 1)');
    expect(parseListOrString("['a', 'b'")).toBe("['a', 'b'");
  });
  it('only treats a leading [ as a list', () => {
    expect(parseListOrString(" ['a']")).toBe(" ['a']");
  });
});
