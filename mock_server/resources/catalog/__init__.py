"""The catalog resource."""
