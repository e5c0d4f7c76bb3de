"""Team libraries over HTTP: the server's /api/sync endpoints and the `push`/`pull` client."""
