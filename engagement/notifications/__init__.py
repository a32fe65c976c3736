"""The transactional outbox: every email is a row written in the caller's transaction."""
