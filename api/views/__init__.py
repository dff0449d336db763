"""The API's views, one module a resource: claims (list, detail, status, edit), workflow
(transitions, ratings, comments, verdicts), evidence (sources, retraction, suggestions),
claimreview (ClaimReview and the rating scale), library (articles, sources, captures), webhooks.
Routes are in api.urls; what the views share is api.views.base."""
