"""Deterministic orchestration: one workflow per file; `workflows.registry` lists them for the worker."""
