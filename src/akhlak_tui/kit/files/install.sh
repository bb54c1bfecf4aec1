#!/bin/sh
# akhlak-tui: install from this kit, offline (Linux). Usage: sh install.sh [--dir DIR]
# Checks every file against MANIFEST.sha256, makes a fresh virtual environment (default
# ~/.local/share/akhlak-tui-venv), installs from wheels/ only (never the network), puts an
# `akhlak` launcher in ~/.local/bin and the applications menu, and installs the survey package.
set -eu

KIT=$(cd "$(dirname "$0")" && pwd)
VENV="${AKHLAK_INSTALL_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/akhlak-tui-venv}"
if [ "${1:-}" = "--dir" ] && [ -n "${2:-}" ]; then VENV=$2; fi
PYTHON="${PYTHON:-python3}"

fail() { echo "GAGAL / FAILED: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON tidak ditemukan / not found: pasang Python 3.10+ / install Python 3.10 or newer"

# Nothing from the network, whatever pip's configuration says: only this kit's wheels.
for var in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$var"; done
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1

echo "1/4 Memeriksa kit / checking the kit ..."
"$PYTHON" "$KIT/verify_kit.py" "$KIT" || exit 1

echo "2/4 Membuat lingkungan Python / making the environment in $VENV ..."
# Only ever replace an earlier environment (it has pyvenv.cfg), never another folder.
if [ -e "$VENV" ]; then
    [ -f "$VENV/pyvenv.cfg" ] || fail "$VENV ada tapi bukan lingkungan Python / exists and is not a virtual environment: pilih --dir lain / choose another --dir"
    rm -rf "$VENV"
fi
"$PYTHON" -m venv "$VENV" || fail "python3 -m venv gagal / failed: pasang paket python3-venv / install the python3-venv package"

echo "3/4 Memasang akhlak dari kit / installing from the kit (offline) ..."
"$VENV/bin/python" -m pip install --quiet --no-index --find-links "$KIT/wheels" akhlak-tui \
    || fail "pip install gagal / failed (see above)"

BIN="$HOME/.local/bin"
mkdir -p "$BIN"
cat > "$BIN/akhlak" <<LAUNCHER
#!/bin/sh
exec "$VENV/bin/akhlak" "\$@"
LAUNCHER
chmod 755 "$BIN/akhlak"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$APPS"
cat > "$APPS/akhlak.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Survei BerAKHLAK
Comment=akhlak-tui: survei budaya kerja BerAKHLAK (offline)
Exec="$VENV/bin/akhlak"
Terminal=true
Categories=Office;
DESKTOP
echo "    peluncur / launcher: $BIN/akhlak (and the applications menu: Survei BerAKHLAK)"
case ":$PATH:" in *":$BIN:"*) ;; *) echo "    catatan / note: $BIN belum di PATH / is not on PATH: jalankan / run $BIN/akhlak" ;; esac

echo "4/4 Survei / survey ..."
found=0
for package in "$KIT"/survey/*; do
    [ -f "$package" ] || continue
    found=1
    "$VENV/bin/akhlak" survey install "$package" || fail "survei tidak terpasang / the survey was not installed: $package"
    echo "    Bandingkan sidik jari koordinator di atas dengan yang tercetak di panduan."
    echo "    Compare the coordinator fingerprint above with the one printed on the guide."
done
[ "$found" = 1 ] || echo "    tidak ada paket survei di kit / no survey package in this kit (practice mode)"

"$VENV/bin/akhlak" status >/dev/null || fail "akhlak status gagal / failed"
echo "Selesai / done: ketik / type  akhlak  (atau / or $BIN/akhlak)"
