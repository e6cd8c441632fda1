#!/usr/bin/env bash
# Regenerate assets/fonts/DejaVuSans-subset.ttf (the plots' only font) from
# Debian's fonts-dejavu-core with fontTools' pyftsubset. Kept small (~18 KB)
# because it is compiled into the binaries.
set -euo pipefail
src=${1:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}
out=$(dirname "$0")/../../assets/fonts/DejaVuSans-subset.ttf
venv=${VENV:-target/fonttools-venv}
[ -x "$venv/bin/pyftsubset" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q fonttools; }
"$venv/bin/pyftsubset" "$src" \
  --unicodes="U+0020-007E,U+00A0-00FF,U+0394,U+03B1,U+03B2,U+03C3,U+2013,U+2014,U+2018,U+2019,U+201C,U+201D,U+2026,U+2190-2193,U+2212,U+2264,U+2265,U+00B1,U+00D7" \
  --layout-features='' --no-hinting --desubroutinize --output-file="$out"
