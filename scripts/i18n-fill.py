"""Set Urdu translations in engagement/translations/ur/LC_MESSAGES/messages.po from a small
Python table (used when a few new strings arrive; bigger work goes straight into the .po)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "engagement/translations/ur/LC_MESSAGES/messages.po"
)


def fill(translations: dict[str, str]) -> int:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="ur")
    changed = 0
    for msgid, msgstr in translations.items():
        message = catalogue.get(msgid)
        if message is None:
            print(f"not in the catalogue: {msgid!r}", file=sys.stderr)
            continue
        message.string = msgstr
        message.flags.discard("fuzzy")
        changed += 1
    with CATALOGUE.open("wb") as handle:
        write_po(
            handle, catalogue, omit_header=False, sort_output=True, no_location=True, width=100
        )
    return changed


if __name__ == "__main__":
    import json

    print(fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))), "set")
