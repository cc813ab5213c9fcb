"""The command line: thin wrappers over the services (a contract: see docs/cli.md)."""
