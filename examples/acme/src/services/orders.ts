import type { SupabaseClient } from "@supabase/supabase-js"
import type { Database, Enums, TablesInsert } from "@/lib/database"

export async function placeOrder(
  supabase: SupabaseClient<Database>,
  order: TablesInsert<"orders">,
) {
  return supabase.from("orders").insert(order).select("id, status, total").single()
}

export async function ordersWithStatus(
  supabase: SupabaseClient<Database>,
  status: Enums<"order_status">,
) {
  return supabase.from("orders").select("id, total, currency").eq("status", status).order("placed_at")
}
