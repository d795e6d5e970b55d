"""The topics resource."""
