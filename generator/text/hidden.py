"""Characters that hide or reorder text: refused in records, escaped in messages.

One rule, by Unicode property rather than a list of characters that grows with each trick:

* control characters (Cc) other than tab and line feed, which only the YAML reader and
  the terminal act on (``hidden_char`` leaves them to the record shapes, which refuse them
  with their own message);
* format characters (Cf): zero-width spaces and joiners, the soft hyphen, bidirectional
  embeddings, overrides and isolates, the Arabic letter mark (U+061C), tag characters
  (U+E0000–E007F) …;
* line and paragraph separators (Zl, Zp: U+2028, U+2029);
* the default-ignorable code points of other categories (Unicode
  DerivedCoreProperties.txt): the combining grapheme joiner (U+034F), Hangul fillers
  (U+115F, U+1160, U+3164, U+FFA0), Khmer inherent vowels, Mongolian free variation
  selectors, variation selectors (U+FE00–FE0F, U+E0100–E01EF), reserved U+FFF0–FFF8 and
  U+E0000–E0FFF;
* a combining mark (Mn, Me) with nothing before it to combine with: at the very start of
  a value it shows nothing, or attaches to whatever a page prints before the value.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["hidden_char", "is_hidden", "show_hidden"]

_HIDDEN_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
_DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


def is_hidden(ch: str) -> bool:
    """True for a format, separator or default-ignorable character (see the module)."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES or bool(_DEFAULT_IGNORABLE.match(ch))


def hidden_char(text: str) -> str | None:
    """The first character of ``text`` that hides or reorders text, or None (control
    characters apart: see the module)."""
    for ch in text:
        if is_hidden(ch):
            return ch
    head = text.lstrip()
    if head and unicodedata.category(head[0]) in ("Mn", "Me"):
        return head[0]
    return None


def show_hidden(text: str) -> str:
    """``text`` with every control and hidden character written as a visible escape
    (``\\u200B``, ``\\U000E0041``), for a message that quotes record text: it can then
    neither send terminal escape sequences nor reorder or hide the message around it."""
    out = []
    for n, ch in enumerate(text):
        cat = unicodedata.category(ch)
        hidden = is_hidden(ch) or (cat == "Cc" and ch not in "\t\n")
        if n == 0 and cat in ("Mn", "Me"):
            hidden = True
        if hidden:
            code = ord(ch)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(ch)
    return "".join(out)
