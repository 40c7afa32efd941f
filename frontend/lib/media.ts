/** A listing photo's gateway path (/api/v1/vehicles/…/images/…) as this app's /media URL. */
export function mediaUrl(apiPath: string | null | undefined): string | null {
  if (!apiPath) return null;
  const m = /\/api\/v1\/(vehicles\/[0-9a-f-]{36}\/images\/[0-9a-f-]{36})$/.exec(apiPath);
  return m ? `/media/${m[1]}` : null;
}
