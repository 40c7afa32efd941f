// Browser journeys against the real running platform: playwright-core driving Debian's
// chromium (headless). Needs FRONTEND_URL, GATEWAY_URL and SECRETS_FILE (scripts/frontend.sh
// test sets them). Screenshots go to SCREENSHOT_DIR. Exit status 1 when a journey fails.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { journeys } from "./journeys.mjs";

const FRONTEND = process.env.FRONTEND_URL ?? "http://localhost:13000";
const GATEWAY = process.env.GATEWAY_URL ?? "http://127.0.0.1:18080";
// The telematics service's own port (OsmAnd devices report there): the gateway's port + 5.
// The telematics service's OsmAnd device port (Traccar's 5055, moved like the gateway's 8080).
const OSMAND = process.env.OSMAND_URL ?? GATEWAY.replace(/:(\d+)$/, (_, p) => `:${Number(p) - 8080 + 5055}`);
const SHOTS = process.env.SCREENSHOT_DIR ?? ".data/test/screenshots";
const secrets = Object.fromEntries(
  readFileSync(process.env.SECRETS_FILE ?? "../.data/test/secrets.env", "utf8")
    .split("\n")
    .filter((l) => l.includes("=") && !l.startsWith("#"))
    .map((l) => {
      const i = l.indexOf("=");
      return [l.slice(0, i), l.slice(i + 1).replace(/^(['"])(.*)\1$/, "$2")];
    }),
);
mkdirSync(SHOTS, { recursive: true });

// Flags for a sandboxed machine with no outside network (docs in the README).
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

const only = process.argv[2];
let failed = 0;
const t0 = Date.now();
for (const j of journeys) {
  if (only && !j.name.includes(only)) continue;
  const started = Date.now();
  const consoleErrors = [];
  const contexts = [];
  // A fresh browser context (another person's browser); the first is the journey's own page.
  const openPage = async (viewport = j.viewport ?? { width: 360, height: 740 }) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: "en-GB" });
    contexts.push(context);
    const p = await context.newPage();
    // Generous: the 2-core machine may be shared with other builds.
    p.setDefaultTimeout(Number(process.env.BROWSER_TIMEOUT_MS ?? 30_000));
    p.setDefaultNavigationTimeout(Number(process.env.BROWSER_TIMEOUT_MS ?? 30_000) * 2);
    p.on("pageerror", (e) => consoleErrors.push(String(e)));
    return p;
  };
  const page = await openPage();
  const context = contexts[0];
  try {
    await j.run({
      page, context, openPage, FRONTEND, GATEWAY, OSMAND, secrets,
      shot: (name, p = page) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }),
    });
    if (consoleErrors.length) throw new Error(`uncaught errors in the page: ${consoleErrors.join("; ")}`);
    console.log(`ok    ${j.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${j.name}: ${e?.stack ?? e}`);
    for (const [i, c] of contexts.entries())
      for (const p of c.pages())
        await p.screenshot({ path: join(SHOTS, `FAILED-${j.name.replace(/\W+/g, "-")}${i ? `-${i + 1}` : ""}.png`), fullPage: true }).catch(() => undefined);
  } finally {
    for (const c of contexts) await c.close();
  }
}
await browser.close();
console.log(`browser journeys: ${failed ? `${failed} failed` : "all passed"} in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);
