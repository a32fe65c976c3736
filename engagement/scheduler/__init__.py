"""The scheduler process: APScheduler 3 running sweep jobs that read due work from our tables."""
