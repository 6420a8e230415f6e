"""Catalog data files shipped with gbm-check (JSON, see SCHEMA.md)."""
