"""The plain-text renderer's line wrapping: the same lines as textwrap, whose cost it skips for lines that fit."""

from __future__ import annotations

import textwrap

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ketacost.render.plain import wrap

TEXTS = st.text(alphabet=st.sampled_from([*"ab -x", "\t", "\n", "\u00a0", "\x1b", "é"]), max_size=40)


@settings(max_examples=300, derandomize=True)
@given(text=TEXTS, width=st.integers(min_value=1, max_value=30), hyphens=st.booleans())
@example(text="", width=10, hyphens=True)
@example(text="   ", width=10, hyphens=True)
@example(text="  lead", width=10, hyphens=True)
@example(text="trail ", width=10, hyphens=True)
@example(text="tab\there", width=20, hyphens=True)
@example(text="exactly ten", width=11, hyphens=True)
def test_wrap_gives_what_textwrap_gives(text: str, width: int, hyphens: bool) -> None:
    options = {"subsequent_indent": "  ", "break_on_hyphens": hyphens}
    assert wrap(text, width, **options) == textwrap.wrap(text, width, **options)
