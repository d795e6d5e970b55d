"""The quotas resource."""
