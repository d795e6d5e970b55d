"""The tokens resource."""
