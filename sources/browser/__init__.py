"""Browser captures: Chromium loads a page with every request answered by the guarded fetcher."""
