"""Text that hides itself: the invisible and direction-changing characters refused wherever people's text comes in
(every string of a price sheet, a patient's name), because they make text show other than it is stored."""

from __future__ import annotations

import re

# Unicode's format characters (category Cf) that have no glyph of their own, the line and paragraph separators,
# and the reserved points of the same blocks. Listed, not looked up by category, so the rule is the same under
# every Python's Unicode version. Left out on purpose: the format characters that are visible signs (Arabic and
# Kaithi number signs, U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2, U+110BD, U+110CD), and the C0/C1
# control characters, which names refuse (ketacost.values) and sheet text only loses on its way to a terminal
# (ketacost.render.safe).
HIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x061C, 0x061C),  # Arabic letter mark
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    (0x2028, 0x202E),  # line and paragraph separators; bidi embeddings, pop, overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates, deprecated format characters
    (0xFEFF, 0xFEFF),  # zero-width no-break space (a byte-order mark inside text)
    (0xFFF9, 0xFFFB),  # interlinear annotation: hides the annotated text
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE007F),  # tag characters
)


def _character_class() -> str:
    def spelt(code: int) -> str:
        return re.escape(chr(code))

    return "".join(spelt(low) if low == high else f"{spelt(low)}-{spelt(high)}" for low, high in HIDDEN_RANGES)


# The characters as a regular-expression class (the characters themselves, as every engine reads them): the
# loader searches with it, and the JSON Schema's "pattern" (ketacost.sheet.schema) is made from it.
HIDDEN_CLASS = f"[{_character_class()}]"
VISIBLE_PATTERN = f"^[^{_character_class()}]*$"


def find_hidden(text: str) -> tuple[int, str] | None:
    """The first hidden character of ``text`` and its position (1-based), or None when there is none."""
    if text.isascii():  # nearly always: no search at all
        return None
    match = re.search(HIDDEN_CLASS, text)
    return None if match is None else (match.start() + 1, match.group())


def describe(char: str) -> str:
    """``an invisible or direction-changing character U+202E (RIGHT-TO-LEFT OVERRIDE)``: named, never shown."""
    import unicodedata  # only when something is refused

    name = unicodedata.name(char, "")
    return f"an invisible or direction-changing character U+{ord(char):04X}{f' ({name})' if name else ''}"
