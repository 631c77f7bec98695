import type { SupabaseClient } from "@supabase/supabase-js"
import type { Database } from "@/lib/types"

export async function teamReport(supabase: SupabaseClient<Database>, teamId: number) {
  return supabase.from("posts").select("id, title, published").eq("team_id", teamId)
}
