# Shared set-up for scripts/run and scripts/test: a virtualenv with the project installed.
# Sourced, not run. Re-installs only when pyproject.toml changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
EXTRAS="${1:-}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating virtualenv in .venv"
  "$PYTHON" -m venv "$VENV" || {
    echo "==> python3-venv missing; installing it"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$PYTHON" -m venv "$VENV"
  }
fi
stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ]; then
  echo "==> installing PSEB Engage${EXTRAS:+ with [$EXTRAS]} into .venv"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
# Message catalogues are built from the committed .po files (the .mo files are not committed).
if compgen -G "$ROOT/engagement/translations/*/LC_MESSAGES/messages.po" >/dev/null; then
  pybabel -q compile -d "$ROOT/engagement/translations" -f
fi
export FLASK_APP=wsgi
#: Debian packages WeasyPrint needs at run time (the dashboard's briefing PDF).
PDF_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
