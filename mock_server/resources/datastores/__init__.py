"""The datastores resource."""
