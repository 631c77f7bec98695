// Validation script: reads production through the REMOTE types. This folder
// is the only place allowed to import them.
import type { Database as Remote } from "../../types/database.remote"

type RemotePost = Remote["public"]["Tables"]["posts"]["Row"]

export function describe(post: RemotePost): string {
  return `${post.id}: ${post.title} (${post.published ? "published" : "draft"})`
}
