/** An authenticated download: the export is fetched with the session's cookies and saved as a file (no token in a URL). */
import { ApiError, refresh, type Session } from "../api";

async function fetchFile(session: Session, path: string): Promise<Response> {
  const headers = new Headers();
  if (session.tenant) headers.set("x-tenant", session.tenant);
  return fetch(path, { headers, credentials: "same-origin" });
}

export async function download(session: Session, path: string, filename: string): Promise<void> {
  let res = await fetchFile(session, path);
  if (res.status === 401) {
    await refresh();
    res = await fetchFile(session, path);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${res.status}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
