"""The command line: thin Typer commands that parse, call the library, render, and map errors to exit codes."""

import gc

_collection_held = False


def main() -> None:
    """Console-script entry point (``ketacost`` and ``python -m ketacost``).

    Cyclic garbage collection waits while ketacost starts: importing Typer, pydantic and ketacost makes a hundred
    thousand objects that live as long as the process and almost no garbage, and collecting over and over on the
    way was a twentieth of what `ketacost estimate` costs. It resumes when the command starts its work
    (:func:`resume_collection`), so long runs such as batch estimates collect as usual.
    """
    global _collection_held
    gc.disable()
    _collection_held = True
    import sys

    from ketacost.cli import fast

    code = fast.run(sys.argv[1:])  # a plain `estimate` skips Typer's per-option validation; else None
    if code is not None:
        sys.exit(code)
    from ketacost.cli.app import main as run

    run()


def resume_collection() -> None:
    """Collect garbage again, with what start-up made frozen out of the collector's way (``gc.freeze``).

    Only after :func:`main` held collection off; a program that runs ketacost's app itself keeps its own setting.
    """
    global _collection_held
    if _collection_held:
        _collection_held = False
        gc.freeze()
        gc.enable()
