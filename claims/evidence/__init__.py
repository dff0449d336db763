"""The desk's evidence: a claim's links to archived sources, the passages matching suggests for
it, confirming them, and the re-check alerts a later capture raises on a published verdict."""
