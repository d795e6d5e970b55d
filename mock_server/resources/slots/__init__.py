"""The slots resource."""
