// A convenience barrel that someone pointed at the wrong file: it re-exports
// the REMOTE (production) types to application code.
export type { Database, Tables } from "@db/database.remote"
