"""The REST API for consumers and staff: claims, verdicts, ClaimReview, webhooks."""
