"""Tests of the claim extractor (plain functions, no database)."""
