"""The command line: thin Typer sub-apps over the services, one per area."""
