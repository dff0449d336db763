"""Sources, evidence, captures, the fetcher, archive storage and safe playback."""
