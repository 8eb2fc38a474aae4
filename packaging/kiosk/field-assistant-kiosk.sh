#!/bin/sh
# Kiosk session for Linux: Field Assistant full screen under the cage Wayland compositor
# (one app, no desktop, no way out but the app's admin PIN). Run it on a text console (tty)
# as the kiosk user, or from the systemd unit next to this file.
#
#   field-assistant-kiosk.sh [APP [ARGS...]]
#       APP: the app's executable (default /opt/field-assistant/field-assistant); ARGS go to
#       `APP gui --kiosk` (e.g. --screenshot FILE, which the tests use under a headless cage).
#
# Needs: cage (Debian/Ubuntu: apt install cage), a seat (logind, or seatd for a user without one).
# Exits when the app exits; the systemd unit restarts it.
set -eu
APP=${1:-${FIELD_ASSISTANT_APP:-/opt/field-assistant/field-assistant}}
[ $# -gt 0 ] && shift
[ -x "$APP" ] || { echo "field-assistant-kiosk: $APP is not executable (install with install.sh --system)" >&2; exit 1; }
command -v cage >/dev/null || { echo "field-assistant-kiosk: cage is not installed (apt install cage)" >&2; exit 1; }
# Qt on Wayland, fullscreen surface; touch input comes through libinput in cage.
export QT_QPA_PLATFORM=wayland
export QT_WAYLAND_DISABLE_WINDOWDECORATION=1
# cage: -d no client-side decorations; -s allow VT switching only if FIELD_ASSISTANT_KIOSK_VT=1
# (an admin's way to a console; off by default so Ctrl+Alt+Fn does nothing).
if [ "${FIELD_ASSISTANT_KIOSK_VT:-0}" = 1 ]; then VT=-s; else VT=; fi
exec cage -d $VT -- "$APP" gui --kiosk "$@"
