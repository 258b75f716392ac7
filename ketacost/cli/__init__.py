"""The command line: thin Typer commands that parse, call the library, render, and map errors to exit codes."""
