/** Small named values of the tenant DO (settings, company id, config version), cached in memory. */
export class Kv {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly sql: SqlStorage) {}

  get(key: string): string | null {
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const value = this.sql.exec<{ value: string }>(`SELECT value FROM kv WHERE key = ?`, key).toArray()[0]?.value ?? null;
    this.cache.set(key, value);
    return value;
  }

  /** Writes only when the value changed, so hot paths that pass settings on every call cost no write. */
  set(key: string, value: string): void {
    if (this.get(key) === value) return;
    this.sql.exec(`INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
    this.cache.set(key, value);
  }

  json<T>(key: string): T | null {
    const raw = this.get(key);
    return raw ? (JSON.parse(raw) as T) : null;
  }
}
