"""The `scripts/demo` command: run `python -m demo` through scripts/demo."""
