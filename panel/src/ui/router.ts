/** A tiny hash router: `#view` or `#view?key=value`, so every view has a URL and the back button works. */
export interface Route {
  view: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const [view = "", query = ""] = location.hash.replace(/^#/, "").split("?");
  return { view, params: new URLSearchParams(query) };
}

/** Goes to a view (a new history entry, so Back returns here). */
export function navigate(view: string, params: Record<string, string> = {}): void {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "")).toString();
  location.hash = query ? `${view}?${query}` : view;
}

let listener: (() => void) | null = null;
/** Calls `onRoute` on every hash change until stopped (signing out stops it). */
export function startRouter(onRoute: (route: Route) => void): void {
  stopRouter();
  listener = () => onRoute(currentRoute());
  window.addEventListener("hashchange", listener);
}
export function stopRouter(): void {
  if (listener) window.removeEventListener("hashchange", listener);
  listener = null;
}
