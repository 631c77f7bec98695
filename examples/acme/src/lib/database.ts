// The one module application code imports database types from.
// It re-exports the LOCAL generated types; the remote ones are for
// scripts/validate only.
export type { Database, Json, Tables, TablesInsert, TablesUpdate, Enums } from "@db/database.local"
