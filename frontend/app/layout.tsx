import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { Nav } from "../components/Nav";
import { Providers } from "../components/Providers";
import { mapTiles, publicGateway } from "../lib/config";
import { isLang, LANG_COOKIE, translate } from "../lib/i18n";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const c = await cookies();
  const v = c.get(LANG_COOKIE)?.value;
  const lang = isLang(v) ? v : "en";
  return { title: translate(lang, "app.name"), description: translate(lang, "app.tagline") };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#0b5d3b" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const c = await cookies();
  const v = c.get(LANG_COOKIE)?.value;
  const lang = isLang(v) ? v : "en";
  const gw = publicGateway();
  const tiles = mapTiles();
  return (
    <html lang={lang}>
      <body>
        <Providers lang={lang} gatewayUrl={gw.url} gatewayPort={gw.port} tileUrl={tiles.url} tileAttribution={tiles.attribution}>
          <Nav />
          <main id="main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
