"""The workflow tests use the shared factories of tests/support/fixtures.py (claim_in, scale,
staff_admin, outsider, evidence_for); nothing of their own."""
