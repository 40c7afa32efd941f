// Accessibility check of the page as it is now: axe-core (from npm) injected into the page.
// Serious and critical violations fail the journey; the others are printed.
import { createRequire } from "node:module";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export async function checkA11y(page, name) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = violations.filter((v) => !blocking.includes(v));
  if (minor.length) console.log(`      axe ${name}: ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  if (blocking.length) throw new Error(`axe on ${name}: ${blocking.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(" | ")}`).join("; ")}`);
}
