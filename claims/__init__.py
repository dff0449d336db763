"""Articles, claims, extraction, ratings, verdicts and the editorial workflow."""
