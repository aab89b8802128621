/**
 * Phones as people write them. The API stores E.164 digits (Brazil by default), so the countries the
 * product serves get their usual grouping; any other number is shown as +digits, still readable.
 * A few lines instead of libphonenumber-js: parsing and formatting with its smallest metadata bundles
 * to 118 KiB minified (28 KiB gzip), mostly rules for countries we do not serve.
 * @example formatPhone("5511987654321") // "+55 11 98765-4321"
 */
export function formatPhone(raw: string | null | undefined): string {
  if (!raw) return "";
  const d = raw.replace(/\D/g, "");
  if (d.length === 0) return raw;
  // Brazil: +55, two-digit area code, 8 digits (landline) or 9 (mobile), hyphen before the last four.
  let m = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(d);
  if (m) return `+55 ${m[1]} ${m[2]}-${m[3]}`;
  // North America (+1): area code, exchange, line.
  m = /^1(\d{3})(\d{3})(\d{4})$/.exec(d);
  if (m) return `+1 ${m[1]} ${m[2]} ${m[3]}`;
  // Spanish- and Portuguese-speaking countries: the calling code, then the subscriber number in threes.
  for (const code of SERVED_CODES) {
    if (d.startsWith(code) && d.length - code.length >= 7) return `+${code} ${groups(d.slice(code.length))}`;
  }
  return `+${d}`;
}

// Longest first, so 351 (Portugal) wins over a shorter prefix.
const SERVED_CODES = ["351", "591", "593", "595", "598", "34", "51", "52", "54", "56", "57", "58"];

const groups = (s: string) => s.replace(/(\d{3})(?=\d{3,})/g, "$1 ");

/** A contact as a line of text: "Maria Souza · +55 11 98765-4321". */
export const contactLabel = (c: { phone: string; name: string | null } | null, none = "—") => (c ? [c.name, formatPhone(c.phone)].filter(Boolean).join(" · ") : none);

/** The same as nodes, the number kept on one line. */
export function contactNode(c: { phone: string; name: string | null } | null, none = "—"): Node {
  const node = document.createElement("span");
  if (!c) node.textContent = none;
  else {
    const phone = document.createElement("span");
    phone.className = "phone";
    phone.textContent = formatPhone(c.phone);
    node.append(...(c.name ? [c.name, " · "] : []), phone);
  }
  return node;
}
