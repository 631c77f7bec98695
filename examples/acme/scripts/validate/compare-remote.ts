// Validation script: reads production through the REMOTE types. This folder
// is the only place allowed to import them.
import type { Database as Remote } from "../../types/database.remote"

type RemoteOrder = Remote["public"]["Tables"]["orders"]["Row"]

export function describe(order: RemoteOrder): string {
  return `${order.id}: ${order.status} ${order.total} ${order.currency}`
}
