"""The acls resource."""
