"""Database types for the Python services (re-exported for convenience)."""

from .database_remote import PublicOrders as PublicOrders
from .database_remote import PublicPosts as PublicPosts
