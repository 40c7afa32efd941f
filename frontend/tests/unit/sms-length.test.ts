import { describe, expect, it } from "vitest";
import { insertAt, smsLength } from "../../lib/smsLength";

describe("SMS parts of a text", () => {
  it("counts nothing for an empty text", () => {
    expect(smsLength("")).toEqual({ gsm7: true, units: 0, parts: 0, perPart: 160, chars: 0 });
  });
  it("fits 160 GSM-7 characters in one part and 153 per part beyond", () => {
    expect(smsLength("a".repeat(160)).parts).toBe(1);
    expect(smsLength("a".repeat(161))).toMatchObject({ gsm7: true, parts: 2, perPart: 153 });
    expect(smsLength("a".repeat(306)).parts).toBe(2);
    expect(smsLength("a".repeat(307)).parts).toBe(3);
  });
  it("counts the extension characters (braces, €) as two septets but one character", () => {
    expect(smsLength("{{name}}")).toMatchObject({ gsm7: true, units: 12, chars: 8 });
    expect(smsLength("€".repeat(80)).parts).toBe(1);
    expect(smsLength("€".repeat(81))).toMatchObject({ units: 162, parts: 2 });
  });
  it("keeps plain Swahili and the GSM accents in GSM-7", () => {
    expect(smsLength("Habari {{name}}, malipo yako yamepokelewa. Asante!").gsm7).toBe(true);
    expect(smsLength("Café à Zürich £5 @ 10%").gsm7).toBe(true);
  });
  it("falls back to 70 / 67 per part when a character is not GSM-7", () => {
    expect(smsLength("’" + "a".repeat(69))).toMatchObject({ gsm7: false, units: 70, parts: 1, perPart: 70 });
    expect(smsLength("’" + "a".repeat(70))).toMatchObject({ gsm7: false, units: 71, parts: 2, perPart: 67 });
    expect(smsLength("’" + "a".repeat(133)).parts).toBe(2);
    expect(smsLength("’" + "a".repeat(134)).parts).toBe(3);
  });
  it("counts an emoji as two UTF-16 units but one character", () => {
    expect(smsLength("Asante 😀")).toMatchObject({ gsm7: false, units: 9, chars: 8, parts: 1 });
  });
});

describe("inserting a variable", () => {
  it("replaces the selection and puts the caret after the insert", () => {
    expect(insertAt("Hello , paid", "{{name}}", 6)).toEqual({ text: "Hello {{name}}, paid", caret: 14 });
    expect(insertAt("Hello XX", "{{name}}", 6, 8)).toEqual({ text: "Hello {{name}}", caret: 14 });
    expect(insertAt("abc", "!", 99)).toEqual({ text: "abc!", caret: 4 });
  });
});
