/**
 * The panel's words: one catalogue per language (pt-BR by default, en, es; each a folder of per-area files), the chosen one remembered
 * in localStorage, and Intl formatters in that locale. API codes never reach the page: statuses and
 * errors are looked up here, and an unknown code gets a generic translated message.
 */
import { ApiError } from "../api";
import en from "./en";
import es from "./es";
import ptBR from "./pt-BR";

export type Key = keyof typeof ptBR;
// A key missing from a translation fails this declaration; a key only in a translation fails the next.
const CATALOGUES: Record<Locale, Record<Key, string>> = { "pt-BR": ptBR, en, es };
type True<T extends true> = T;
export type NoKeyOnlyInATranslation = True<[Exclude<keyof typeof en | keyof typeof es, Key>] extends [never] ? true : false>;

export const LOCALES = ["pt-BR", "en", "es"] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = "secretaria.locale";

const isLocale = (x: unknown): x is Locale => LOCALES.includes(x as Locale);
let locale: Locale = (() => {
  const stored = localStorage.getItem(STORAGE_KEY);
  return isLocale(stored) ? stored : "pt-BR";
})();
document.documentElement.lang = locale;

export const currentLocale = () => locale;
export function setLocale(next: Locale): void {
  locale = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** The text for `key` with `{name}` placeholders filled. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return CATALOGUES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A catalogue entry named at run time (a status or code from the API), or `fallback` when there is none. */
export function lookup(prefix: string, code: string, fallback: Key): string {
  const key = `${prefix}.${code}`;
  return Object.hasOwn(CATALOGUES[locale], key) ? t(key as Key) : t(fallback);
}

type PluralBase<K = Key> = K extends `${infer B}.other` ? B : never;
/** Plural forms by Intl.PluralRules: `base.one` / `base.other`, with `{n}` formatted. */
export function tn(base: PluralBase, n: number, vars: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(locale).select(n);
  const key = (form === "one" && `${base}.one` in CATALOGUES[locale] ? `${base}.one` : `${base}.other`) as Key;
  return t(key, { ...vars, n: formatNumber(n) });
}

export const formatNumber = (n: number, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
export const formatPercent = (x: number) => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(x);
export const formatDateTime = (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" }).format(new Date(iso)) : t("common.none"));

/** What a person should read for a failure: the API's code looked up, never its English message. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const fallback: Key = err.status === 0 ? "error.network" : err.status >= 500 ? "error.server" : "error.generic";
    return lookup("error", err.code, fallback);
  }
  if (err instanceof TypeError) return t("error.network");
  return t("error.generic");
}
