"""Models of the webinars feature."""
