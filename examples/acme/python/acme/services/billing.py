"""Billing jobs run by the Python worker."""

from acme.db import PublicPosts


def summarize(post: PublicPosts) -> str:
    return f"{post.id}: {post.title}"


def unpaid_orders(client):  # supabase-py client
    return client.table("orders").select("id, total, status").eq("status", "pending").execute()
