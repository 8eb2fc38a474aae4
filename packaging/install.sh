#!/usr/bin/env bash
# Install the Field Assistant app folder on Linux: the folder, a menu entry (.desktop) and the icon.
#
#   ./install.sh                 for the current user: ~/.local/opt/field-assistant,
#                                ~/.local/share/applications, ~/.local/share/icons/hicolor
#   sudo ./install.sh --system   for everyone: /opt/field-assistant, /usr/share/applications,
#                                /usr/share/icons/hicolor, and /usr/local/bin/field-assistant
#   ./install.sh --uninstall [--system]
#   ./install.sh --prefix DIR    install the app folder to DIR instead (the menu entry still goes
#                                to the user's or the system's applications folder)
#
# Run it from the unpacked app folder (dist/field-assistant or the .tar.gz), or pass --from DIR.
# User data (library, added models, settings) is never touched: it lives in
# ~/.local/share/field-assistant (or $FIELD_ASSISTANT_HOME).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
FROM=$HERE SYSTEM=0 UNINSTALL=0 PREFIX=""
while [ $# -gt 0 ]; do
  case "$1" in
    --system) SYSTEM=1; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --from) FROM=$(cd "$2" && pwd); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$SYSTEM" = 1 ]; then
  APP=${PREFIX:-/opt/field-assistant}
  SHARE=/usr/share
  BIN=/usr/local/bin
  [ "$(id -u)" = 0 ] || { echo "install.sh: --system needs root (sudo)" >&2; exit 1; }
else
  APP=${PREFIX:-${HOME}/.local/opt/field-assistant}
  SHARE=${XDG_DATA_HOME:-$HOME/.local/share}
  BIN=$HOME/.local/bin
fi
DESKTOP=$SHARE/applications/field-assistant.desktop
ICONS=$SHARE/icons/hicolor

refresh() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
}

if [ "$UNINSTALL" = 1 ]; then
  rm -f "$DESKTOP" "$ICONS/scalable/apps/field-assistant.svg"
  for n in 48 128 256; do rm -f "$ICONS/${n}x${n}/apps/field-assistant.png"; done
  [ -L "$BIN/field-assistant" ] && rm -f "$BIN/field-assistant"
  # Only remove a folder that is an installed Field Assistant (never a user's data folder).
  if [ -x "$APP/field-assistant" ] && [ -d "$APP/_internal" ]; then rm -rf "$APP"; fi
  refresh
  echo "uninstalled Field Assistant from $APP (your library and settings are kept)"
  exit 0
fi

[ -x "$FROM/field-assistant" ] && [ -d "$FROM/_internal" ] \
  || { echo "install.sh: $FROM is not the app folder (no field-assistant executable and _internal/)" >&2; exit 1; }
if [ "$FROM" != "$APP" ]; then
  mkdir -p "$(dirname "$APP")"
  rm -rf "$APP.new" && cp -a "$FROM" "$APP.new"
  rm -rf "$APP" && mv "$APP.new" "$APP"
fi

mkdir -p "$SHARE/applications" "$ICONS/scalable/apps"
cp "$APP/icons/field-assistant.svg" "$ICONS/scalable/apps/field-assistant.svg"
for n in 48 128 256; do
  mkdir -p "$ICONS/${n}x${n}/apps"
  cp "$APP/icons/field-assistant-$n.png" "$ICONS/${n}x${n}/apps/field-assistant.png"
done
# The menu entry runs the installed executable by its absolute path (a space in it is quoted).
EXE=$APP/field-assistant
case "$EXE" in *" "*) QEXE="\"$EXE\"" ;; *) QEXE=$EXE ;; esac
sed -e "s|^Exec=field-assistant|Exec=$QEXE|" -e "s|^TryExec=.*|TryExec=$EXE|" \
  "$APP/field-assistant.desktop" > "$DESKTOP.tmp"
mv "$DESKTOP.tmp" "$DESKTOP"
chmod 644 "$DESKTOP"
mkdir -p "$BIN"
ln -sfn "$EXE" "$BIN/field-assistant"
refresh
echo "installed Field Assistant in $APP"
echo "  menu entry $DESKTOP; command $BIN/field-assistant"
