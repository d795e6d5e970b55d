"""The grants resource."""
