"""Models of the facilitation feature."""
