"""Models of the events feature."""
