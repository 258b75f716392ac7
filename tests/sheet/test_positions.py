"""The key locator finds every kind of TOML key at its true line and column."""

from __future__ import annotations

import tomllib

from ketacost.sheet.positions import key_positions, locate

DOC = '''# comment with = and [brackets]
top = "a # not a comment"
multi = """
[not.a.table]
x = 1
"""

[treatments.iv]
name = 'IV'
price = { low = 1, typical = 2, "high" = 3 }   # an inline table
sub.deeper = 1
"quoted key".inner = true

[[boosters]]
every = 4
[[boosters]]
every = 6

[options]
list = [
  "iv",   # first
  "im",
]
'''


def test_positions_of_every_kind_of_key() -> None:
    tomllib.loads(DOC)  # the locator only ever sees text that TOML accepts
    positions = key_positions(DOC)
    assert positions[("top",)] == (2, 1)
    assert positions[("multi",)] == (3, 1)
    assert ("not", "a", "table") not in positions
    assert positions[("treatments", "iv")] == (8, 13)
    assert positions[("treatments", "iv", "price", "low")] == (10, 11)
    assert positions[("treatments", "iv", "price", "high")] == (10, 33)
    assert positions[("treatments", "iv", "sub", "deeper")] == (11, 5)
    assert positions[("treatments", "iv", "quoted key", "inner")] == (12, 14)
    assert positions[("boosters", 0, "every")] == (15, 1)
    assert positions[("boosters", 1, "every")] == (17, 1)
    assert positions[("options", "list", 1)] == (22, 3)


def test_locate_drops_union_tags_and_keeps_a_missing_last_key() -> None:
    positions = key_positions('[options.loan]\nkind = "loan"\napr = 5\n')
    assert locate(positions, ("options", "loan", "loan", "apr")) == (("options", "loan", "apr"), (3, 1))
    assert locate(positions, ("options", "loan", "loan", "term_months")) == (
        ("options", "loan", "term_months"),
        (1, 10),
    )
