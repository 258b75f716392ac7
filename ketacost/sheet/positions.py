"""Where each key of a TOML document stands (1-based line and column), so errors can point at it.

tomllib and tomlkit keep no positions, so this is a small scanner over text that tomllib has already accepted:
it records the position of every key (dotted keys, table headers, arrays of tables, inline tables and array
elements) under its full path, e.g. ``("treatments", "iv", "price", "low") -> (14, 7)``.
"""

from __future__ import annotations

Path = tuple[str | int, ...]
Position = tuple[int, int]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.positions: dict[Path, Position] = {}
        self._array_tables: dict[Path, int] = {}
        self._line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self._line_starts.append(index + 1)

    def position(self, index: int) -> Position:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:  # the last line start <= index
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, index - self._line_starts[lo] + 1

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.text[j] if j < len(self.text) else ""

    def skip_space(self, newlines: bool) -> None:
        while self.i < len(self.text):
            char = self.text[self.i]
            if char in " \t\r" or (newlines and char == "\n"):
                self.i += 1
            elif char == "#":
                while self.i < len(self.text) and self.text[self.i] != "\n":
                    self.i += 1
            else:
                return

    def key(self) -> list[tuple[str, int]]:
        """A dotted key: its parts, each with the index where it starts."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_space(newlines=False)
            start = self.i
            char = self.peek()
            if char in "\"'":
                parts.append((self.string(), start))
            else:
                while self.peek() in _BARE and self.peek():
                    self.i += 1
                parts.append((self.text[start : self.i], start))
            self.skip_space(newlines=False)
            if self.peek() != ".":
                return parts
            self.i += 1

    def string(self) -> str:
        quote = self.peek()
        if self.text.startswith(quote * 3, self.i):
            end = self.text.index(quote * 3, self.i + 3)
            while self.text.startswith(quote, end + 3):  # up to two quotes may close a multi-line string
                end += 1
            value = self.text[self.i + 3 : end]
            self.i = end + 3
            return value
        j = self.i + 1
        while self.text[j] != quote:
            j += 2 if (quote == '"' and self.text[j] == "\\") else 1
        value = self.text[self.i + 1 : j]
        self.i = j + 1
        if quote == '"' and "\\" in value:
            import json  # only for keys that use escapes, which a price sheet rarely does

            return str(json.loads(f'"{value}"'))
        return value

    def value(self, path: Path) -> None:
        char = self.peek()
        if char in "\"'":
            self.string()
        elif char == "{":
            self.i += 1
            self.skip_space(newlines=False)
            while self.peek() != "}":
                self.key_value(path)
                self.skip_space(newlines=True)
                if self.peek() == ",":
                    self.i += 1
                    self.skip_space(newlines=True)
            self.i += 1
        elif char == "[":
            self.i += 1
            index = 0
            self.skip_space(newlines=True)
            while self.peek() != "]":
                self.positions.setdefault((*path, index), self.position(self.i))
                self.value((*path, index))
                index += 1
                self.skip_space(newlines=True)
                if self.peek() == ",":
                    self.i += 1
                    self.skip_space(newlines=True)
            self.i += 1
        else:
            while self.i < len(self.text) and self.text[self.i] not in ",]}\n#":
                self.i += 1

    def key_value(self, table: Path) -> None:
        parts = self.key()
        path = table
        for name, start in parts:
            path = (*path, name)
            self.positions.setdefault(path, self.position(start))
        self.skip_space(newlines=False)
        self.i += 1  # "="
        self.skip_space(newlines=False)
        self.value(path)

    def header(self) -> Path:
        array = self.text.startswith("[[", self.i)
        self.i += 2 if array else 1
        parts = self.key()
        self.i += 2 if array else 1
        path: Path = ()
        for name, start in parts:
            path = (*path, name)
            self.positions.setdefault(path, self.position(start))
        if array:
            index = self._array_tables.get(path, 0)
            self._array_tables[path] = index + 1
            path = (*path, index)
            self.positions[path] = self.position(parts[-1][1])
        return path

    def document(self) -> dict[Path, Position]:
        table: Path = ()
        while True:
            self.skip_space(newlines=True)
            if self.i >= len(self.text):
                return self.positions
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table)


def key_positions(text: str) -> dict[Path, Position]:
    """Every key path of a valid TOML text mapped to its 1-based (line, column)."""
    return _Scanner(text).document()


def dotted(path: Path) -> str:
    """A key path as TOML spells it: ``treatments.iv.price``; a part that is not a bare key is quoted and escaped
    (``tax."\\u000d"``), so a key can neither break an error line in two nor send a terminal control codes."""
    return ".".join(_key_text(part) for part in path)


def _key_text(part: str | int) -> str:
    if isinstance(part, int) or (part and all(char in _BARE for char in part)):
        return str(part)
    out = []
    for char in part:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def locate(positions: dict[Path, Position], loc: Path) -> tuple[Path, Position]:
    """The key a validation error names, and where it stands.

    Walks ``loc`` through the document's keys. An element that is not a key of the document is dropped when more
    follow (a discriminated union's tag, say) and kept when it is the last (a missing key, shown at its table).
    """
    shown: list[str | int] = []
    found: Position = (1, 1)
    walked: Path = ()
    for index, part in enumerate(loc):
        candidate = (*walked, part)
        if candidate in positions:
            walked = candidate
            found = positions[candidate]
            shown.append(part)
        elif index == len(loc) - 1:
            shown.append(part)
    return tuple(shown), found
