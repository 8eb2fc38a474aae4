#!/usr/bin/env bash
# The system packages of scripts/system-packages.txt (the one list): check or install them.
#   scripts/system-packages.sh --list GROUP...      print the packages (for `apt-get install`)
#   scripts/system-packages.sh --check GROUP...     exit 1 with one line naming what is missing
#   scripts/system-packages.sh --install GROUP...   install what is missing (root with apt-get), else as --check
# Groups: setup (building), app (running the desktop app), test (the test suite).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
shift || true
case "$mode" in --list|--check|--install) ;; *) echo "usage: $0 --list|--check|--install GROUP..." >&2; exit 2 ;; esac
[ $# -gt 0 ] || { echo "usage: $0 $mode GROUP... (setup, app, test)" >&2; exit 2; }

wanted=()
while read -r group rest; do
  case "$group" in ''|'#'*) continue ;; esac
  [[ " $* " == *" $group "* ]] || continue
  pkgs=()
  skip=0
  for word in $rest; do
    case "$word" in
      unless=*) command -v "${word#unless=}" >/dev/null 2>&1 && skip=1 ;;
      *) pkgs+=("$word") ;;
    esac
  done
  [ "$skip" = 1 ] || wanted+=("${pkgs[@]}")
done < "$here/system-packages.txt"

if [ "$mode" = --list ]; then
  echo "${wanted[*]}"
  exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: the names would not match this system's packages, so say what is needed and go on.
  echo "note: not a Debian system; make sure the equivalents of these packages are installed: ${wanted[*]}" >&2
  exit 0
fi
missing=()
for p in "${wanted[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$mode" = --install ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> system packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "missing system packages: ${missing[*]}; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
