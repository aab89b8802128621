/** What every store-contract file makes its rows from: unique slugs and phones (tenants may share a database), and a fixed start time. */
export const uid = () => crypto.randomUUID().slice(0, 12);
export const phone = () => `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
export const T0 = 1_760_000_000_000;
