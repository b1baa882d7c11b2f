/*
 * JSON numbers above 2^53 read exactly. JSON.parse turns every number into a double, so a u64 stake such as
 * 18446744073709551615 (Python's json.dumps writes big integers that way) would silently become 18446744073709551616.
 * contracts/epoch-io.md: such a number is read exactly, or refused naming the field; never rounded. Node 20 has no
 * JSON.parse source-text access, so the raw text is rewritten before parsing: every number token outside strings
 * that a double cannot hold exactly becomes a decimal string, which the u64 readers (readU64, readBlock) accept
 * exactly and every other reader refuses naming its field:
 * - an integer above 2^53 in any notation (12345678901234567890, 1.8446744073709551615e19) becomes its exact decimal
 *   digits ("18446744073709551615");
 * - a non-integer whose integer part has more than 15 digits, or a number with an absurd exponent, becomes its own text
 *   as a string ("9007199254740993.5"), refused by every integer field instead of rounding to an integer.
 * Numbers a double holds exactly are left alone, so the result of parsing is otherwise unchanged.
 *
 * Cost: one regex test over the text when no number token can be large (the usual case); otherwise one pass of a
 * sticky tokenizer that only stops at strings and at digit runs that may be large.
 */

/** Some digit run of 16 or more, or an exponent: the only ways a JSON number can exceed 2^53. */
const MAYBE_LARGE = /\d{16}|\d[eE]/;
/** A whole string token, or a number token that may be large (not starting inside another number). */
const TOKEN = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d+(?:\.\d+)?[eE][+-]?\d+|(?<![\d.eE+-])-?\d{16,}(?:\.\d+)?/g;
const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
const TWO_53 = 2n ** 53n;

/** The replacement of one number token (itself when a double holds it exactly, or it is no integer below 10^16). */
function exactToken(tok: string): string {
  const m = NUMBER.exec(tok);
  if (m === null) return tok;
  const sign = m[1] as string;
  const frac = m[3] ?? '';
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  let digits = `${m[2] as string}${frac}`.replace(/^0+/, '');
  if (digits === '') return tok; // zero
  const trimmed = digits.replace(/0+$/, '');
  // value = digits · 10^e10, with no trailing zero in digits
  const e10 = exp - frac.length + (digits.length - trimmed.length);
  digits = trimmed;
  const intDigits = digits.length + e10;
  if (intDigits <= 15) return tok; // below 10^15 < 2^53: parsed exactly, or not an integer at all
  if (!Number.isSafeInteger(exp) || intDigits > 400) return JSON.stringify(tok); // far beyond any u64
  if (e10 < 0) return JSON.stringify(tok); // a fraction remains: no integer, and a double would round it
  const value = BigInt(digits) * 10n ** BigInt(e10);
  if (value <= TWO_53) return tok;
  return `"${sign}${value}"`;
}

/**
 * The JSON text with every number a double cannot hold exactly rewritten as a string (see the header).
 * Returns the same string when nothing needs it.
 */
export function quoteInexactNumbers(text: string): string {
  if (!MAYBE_LARGE.test(text)) return text;
  return text.replace(TOKEN, (tok) => (tok.charCodeAt(0) === 34 /* " */ ? tok : exactToken(tok)));
}
