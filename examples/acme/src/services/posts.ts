import type { SupabaseClient } from "@supabase/supabase-js"
import type { Database } from "@/lib/database"

export async function latestPosts(supabase: SupabaseClient<Database>) {
  return supabase
    .from("posts")
    .select("id, titel, created_at, author:profiles(username)")
    .eq("published", true)
    .order("created_at", { ascending: false })
    .limit(20)
}
