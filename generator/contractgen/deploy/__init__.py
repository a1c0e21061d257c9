"""One-shot deployment jobs that run inside any service image (docker-compose's jobs)."""
