"""Free text as it may be stored and printed: no characters that XML cannot carry.

Pure: no database, no settings.
"""

from __future__ import annotations

import re

# C0 control characters except tab, line feed and carriage return; DEL; and the code
# points XML 1.0 forbids besides them (lone surrogates, U+FFFE, U+FFFF). Word pastes a
# vertical tab (\x0b) for Shift+Enter; python-docx (lxml) refuses the letter with
# "All strings must be XML compatible".
_NOT_XML_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def text_clean(value: str) -> str:
    """Return ``value`` with each forbidden character replaced by one space.

    Replaced, not removed, so that two words or lines joined by a pasted line break
    (\\x0b) or form feed stay apart. Tab, line feed and carriage return are kept; the
    length of the text does not change, and cleaning clean text changes nothing.
    """
    return _NOT_XML_TEXT.sub(" ", value)
