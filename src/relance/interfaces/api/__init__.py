"""The REST API under `/api/v1` (docs/api.md): JSON over the same services as the CLI."""
