"""The append-only audit log (written by a trigger on every data table; see migration 0005), readable by admins."""
