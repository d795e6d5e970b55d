"""The extensions resource."""
