"""The databases resource."""
