// How many SMS parts a text needs, the way the support service counts them (src/domain/sms.cpp):
// GSM-7 when every character is in the GSM 03.38 alphabet (extension characters count 2 septets),
// 160 septets for one part and 153 per part beyond; otherwise UCS-2, 70 UTF-16 units for one
// part and 67 per part beyond. Pure.

const BASIC = new Set(
  Array.from("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà"),
);
const EXTENSION = new Set(Array.from("^{}\\[~]|€\f"));

/** Septets a character costs in GSM-7: 1, 2 (extension table), or 0 when it is not GSM-7. */
function gsmCost(ch: string): number {
  if (/^[0-9A-Za-z]$/.test(ch)) return 1;
  if (BASIC.has(ch)) return 1;
  if (EXTENSION.has(ch)) return 2;
  return 0;
}

export interface SmsLength {
  /** Every character is in the GSM-7 alphabet. */
  gsm7: boolean;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** Parts billed; 0 for an empty text. */
  parts: number;
  /** Units one part holds at this length: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perPart: number;
  /** Characters (Unicode code points), as the API counts a text's length. */
  chars: number;
}

const count = (units: number, single: number, multi: number) => (units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi));

export function smsLength(text: string): SmsLength {
  const chars = Array.from(text);
  let septets = 0;
  let gsm7 = true;
  for (const ch of chars) {
    const cost = gsmCost(ch);
    if (cost === 0) gsm7 = false;
    septets += cost;
  }
  if (gsm7) return { gsm7, units: septets, parts: count(septets, 160, 153), perPart: septets > 160 ? 153 : 160, chars: chars.length };
  const units = text.length; // UTF-16 code units: a character outside the BMP counts 2
  return { gsm7, units, parts: count(units, 70, 67), perPart: units > 70 ? 67 : 70, chars: chars.length };
}

/** Inserts `insert` into `text` in place of the selection [start, end); returns the text and the new caret. */
export function insertAt(text: string, insert: string, start: number, end = start): { text: string; caret: number } {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  return { text: text.slice(0, s) + insert + text.slice(e), caret: s + insert.length };
}
