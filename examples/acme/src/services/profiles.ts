import type { SupabaseClient } from "@supabase/supabase-js"
import type { Database, Tables } from "@/lib/database"

export type Profile = Tables<"profiles">

export async function getProfile(supabase: SupabaseClient<Database>, id: string) {
  const { data, error } = await supabase
    .from("profiles")
    .select("id, username, full_name, avatar_url, role")
    .eq("id", id)
    .single()
  if (error) throw error
  return data
}
