/**
 * The panel's words: one catalogue per language (pt-BR by default, en, es; each a folder of per-area
 * files), the chosen one remembered in localStorage, and Intl formatters in that locale. pt-BR is in
 * app.js; English and Spanish are chunks fetched only when chosen (about two thirds of the catalogue
 * bytes a Brazilian clinic never needs). API codes never reach the page: statuses and errors are
 * looked up here, and an unknown code gets a generic translated message.
 */
import { ApiError } from "../api";
import ptBR from "./pt-BR";

export type Key = keyof typeof ptBR;
type Catalogue = Record<Key, string>;
// A key missing from a translation fails these loaders' types; a key only in a translation fails the next line.
const LOADERS: Record<Exclude<Locale, "pt-BR">, () => Promise<Catalogue>> = {
  en: () => import("./en").then((m) => m.default),
  es: () => import("./es").then((m) => m.default),
};
type True<T extends true> = T;
type TranslationKey = keyof typeof import("./en").default | keyof typeof import("./es").default;
export type NoKeyOnlyInATranslation = True<[Exclude<TranslationKey, Key>] extends [never] ? true : false>;

export const LOCALES = ["pt-BR", "en", "es"] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = "secretaria.locale";
const CATALOGUES: Partial<Record<Locale, Catalogue>> = { "pt-BR": ptBR };

const isLocale = (x: unknown): x is Locale => LOCALES.includes(x as Locale);
let locale: Locale = "pt-BR";
let catalogue: Catalogue = ptBR;

export const currentLocale = () => locale;
/** Switches to `next` once its catalogue is here (fetched the first time); remembered for the next visit. */
export async function setLocale(next: Locale): Promise<void> {
  // Remembered at once: a reload while the catalogue is still coming keeps the choice.
  localStorage.setItem(STORAGE_KEY, next);
  const words = CATALOGUES[next] ?? (next === "pt-BR" ? ptBR : await LOADERS[next]());
  CATALOGUES[next] = words;
  locale = next;
  catalogue = words;
  document.documentElement.lang = next;
}

/** The remembered language, loaded before the first screen; pt-BR if it cannot be fetched. */
export async function restoreLocale(): Promise<void> {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (isLocale(stored) && stored !== "pt-BR") await setLocale(stored).catch(() => undefined);
  document.documentElement.lang = locale;
}

/** The text for `key` with `{name}` placeholders filled. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A catalogue entry named at run time (a status or code from the API), or `fallback` when there is none. */
export function lookup(prefix: string, code: string, fallback: Key): string {
  const key = `${prefix}.${code}`;
  return Object.hasOwn(catalogue, key) ? t(key as Key) : t(fallback);
}

type PluralBase<K = Key> = K extends `${infer B}.other` ? B : never;
/** Plural forms by Intl.PluralRules: `base.one` / `base.other`, with `{n}` formatted. */
export function tn(base: PluralBase, n: number, vars: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(locale).select(n);
  const key = (form === "one" && `${base}.one` in catalogue ? `${base}.one` : `${base}.other`) as Key;
  return t(key, { ...vars, n: formatNumber(n) });
}

export const formatNumber = (n: number, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
export const formatPercent = (x: number) => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(x);
// Times are the business's: shown in the tenant's zone (set at sign-in), wherever the browser is, as the Agenda does.
let zone: string | undefined;
export const setDisplayTimeZone = (tz: string | undefined) => {
  zone = tz;
};
export const displayTimeZone = () => zone;
export const formatDateTime = (iso: string | null) =>
  iso ? new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short", timeZone: zone }).format(new Date(iso)) : t("common.none");

/** What a person should read for a failure: the API's code looked up, never its English message. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const fallback: Key = err.status === 0 ? "error.network" : err.status >= 500 ? "error.server" : "error.generic";
    return lookup("error", err.code, fallback);
  }
  if (err instanceof TypeError) return t("error.network");
  return t("error.generic");
}
