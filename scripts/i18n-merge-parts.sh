#!/usr/bin/env bash
# Fold translators' part files (engagement/translations/ur/LC_MESSAGES/parts/*.po) into the one
# Urdu catalogue, against a fresh extraction, then remove the parts. Run from the repository root.
set -euo pipefail
T=engagement/translations
P=$T/ur/LC_MESSAGES
pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o $T/messages.pot .
if compgen -G "$P/parts/*.po" >/dev/null; then
  msgcat --use-first -o /tmp/ur-all.po $P/messages.po $P/parts/*.po
  rm -rf "$P/parts"
else
  cp $P/messages.po /tmp/ur-all.po
fi
msgmerge --quiet --no-fuzzy-matching --no-location --sort-output /tmp/ur-all.po $T/messages.pot -o $P/messages.po
msgfmt --check --statistics -o /dev/null $P/messages.po
pybabel -q compile -d $T -f
