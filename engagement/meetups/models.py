"""Models of the meetups feature."""
