"""Text from a sheet or a person, made safe to print on a terminal: no escape sequences, no control characters."""

from __future__ import annotations

import re

# ANSI/VT escape sequences (CSI ... final byte, OSC ... BEL/ST, and two-byte ESC x), then any other C0/C1
# control character but tab and newline. A sheet or a patient's name must never move the cursor, recolour the
# terminal, set its title or hide text.
_ESCAPES = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"


def terminal_text(text: str) -> str:
    """``text`` without escape sequences or control characters (tab and newline kept)."""
    if text.isprintable():  # nearly always: the patterns are compiled (and cached by re) only when needed
        return text
    return re.sub(_CONTROLS, "", re.sub(_ESCAPES, "", text))
