// The marketplace: the first page of results is rendered on the server (fast first paint on a
// slow phone); later pages, filters and live availability are handled in the browser.
import { cookies } from "next/headers";
import { Market } from "../components/Market";
import { serverGatewayUrl } from "../lib/config";
import { pickSearch, toQuery } from "../lib/search";
import type { SearchPage } from "../lib/types";

export const dynamic = "force-dynamic";

export default async function Home({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = pickSearch(await searchParams);
  await cookies();
  let first: SearchPage | null = null;
  let error: string | null = null;
  try {
    const r = await fetch(`${serverGatewayUrl()}/api/v1/vehicles${toQuery(params, { limit: "12" })}`, { cache: "no-store" });
    const body = await r.json();
    if (r.ok) first = body as SearchPage;
    else error = body?.detail ?? `HTTP ${r.status}`;
  } catch {
    error = "unavailable";
  }
  return <Market params={params} first={first} error={error} />;
}
