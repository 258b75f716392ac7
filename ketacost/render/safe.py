"""Text from a sheet or a person, made safe to print on a terminal: no escape sequences, no control characters."""

from __future__ import annotations

import re

# ANSI/VT escape sequences (CSI ... final byte, OSC ... BEL/ST, and two-byte ESC x), then any other C0/C1
# control character but tab and newline. A sheet or a patient's name must never move the cursor, recolour the
# terminal, set its title or hide text.
_ESCAPES = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"


def terminal_text(text: str) -> str:
    """``text`` without escape sequences or control characters (tab and newline kept), and with the characters
    that hide themselves (:mod:`ketacost.text`) spelt as escapes, e.g. ``\\u202e``: input refuses them, but a
    quote ID typed on the command line, or a register written before that rule, can still hold one."""
    if text.isprintable():  # nearly always: the patterns are compiled (and cached by re) only when needed
        return text
    from ketacost.text import HIDDEN_CLASS

    cleaned = re.sub(_CONTROLS, "", re.sub(_ESCAPES, "", text))
    return re.sub(HIDDEN_CLASS, lambda match: match.group().encode("unicode_escape").decode("ascii"), cleaned)
