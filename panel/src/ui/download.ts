/**
 * Exports (analytics CSV/PDF, a contact's LGPD export) come through the authenticated API — cookies and
 * x-tenant, never a token in a URL — as a file the browser saves.
 */
import { ApiError, refresh, type Session } from "../api";

async function fetchFile(session: Session, path: string): Promise<Response> {
  const headers = new Headers();
  if (session.tenant) headers.set("x-tenant", session.tenant);
  return fetch(path, { headers, credentials: "same-origin" });
}

/**
 * Fetches `path` and saves it: under `name` when given as a string, else under the name the server gave
 * (content-disposition) or `name.fallback`.
 * @example await download(session, "/api/compliance/export?contact_id=7&format=csv", "contato-7.csv")
 */
export async function download(session: Session, path: string, name: string | { fallback: string }): Promise<void> {
  let res = await fetchFile(session, path);
  if (res.status === 401) {
    await refresh();
    res = await fetchFile(session, path);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${res.status}`);
  }
  const saveAs = typeof name === "string" ? name : (/filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? name.fallback);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = saveAs;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
