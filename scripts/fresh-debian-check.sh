#!/usr/bin/env bash
# Run the README's two commands, then .ci/run, from a clean clone inside a fresh Debian root
# where nothing was installed by hand: the check that a warm developer machine cannot give.
#   sudo [FA_FRESH_DIR=DIR] scripts/fresh-debian-check.sh [PYTEST ARGS]
# DIR (default /var/tmp/fa-fresh) keeps a pristine base system (made once with mmdebstrap:
# python3, python3-venv, git and nothing else) and a throw-away copy per run. The machine's pip
# configuration (index mirrors, find-links, constraints) is passed in, as a CI machine has it.
# Logs: DIR/run-*/log. Needs root, mmdebstrap and network access to Debian and PyPI.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=${FA_FRESH_DIR:-/var/tmp/fa-fresh}
[ "$(id -u)" = 0 ] || { echo "run as root (it builds a root file system)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "needs mmdebstrap: apt-get install -y mmdebstrap" >&2; exit 1; }
base=$work/base
if [ ! -x "$base/usr/bin/python3" ]; then
  mkdir -p "$work"
  rm -rf "$base"
  mmdebstrap --variant=minbase --include=python3,python3-venv,git,ca-certificates bookworm "$base" \
    http://deb.debian.org/debian
fi
run=$work/run-$(date +%Y%m%d-%H%M%S)
cp -a "$base" "$run"
log=$run/log
cleanup() {
  for m in $(grep " $run/" /proc/mounts | awk '{print $2}' | sort -r); do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
mount -t proc proc "$run/proc"
mount --rbind /sys "$run/sys"
mount --rbind /dev "$run/dev"
mount -t tmpfs tmpfs "$run/tmp"
cp /etc/resolv.conf "$run/etc/resolv.conf"
# The machine's own package sources for pip (what a CI machine of this kind has), read-only.
for d in /opt/wheels /opt/pypi /opt/pypi-more /etc/xdg/pip; do
  if [ -d "$d" ]; then mkdir -p "$run$d"; mount --bind -o ro "$d" "$run$d"; fi
done
for f in /etc/pip.conf /root/.config/pip/pip.conf; do
  if [ -f "$f" ]; then mkdir -p "$run$(dirname "$f")"; cp "$f" "$run$f"; fi
done
# The machine's own certificate authorities (a network that inspects TLS has one), trusted as on the host.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$run/usr/local/share/ca-certificates/"
  chroot "$run" update-ca-certificates >/dev/null 2>&1
fi
# A clean clone of what is committed (uncommitted changes are not part of the check).
git clone -q "$src" "$run/root/field-assistant"
pyargs=$(printf '%q ' "$@")
cat > "$run/root/check.sh" <<EOF
set -euo pipefail
cd /root/field-assistant
export LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
$(env | grep -E '^(PIP_[A-Z_]*|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|NODE_EXTRA_CA_CERTS|GIT_SSL_CAINFO)=' | sed 's/^/export /')
echo "==== scripts/setup.sh (\$(date +%T))"
time scripts/setup.sh
echo "==== scripts/test.sh (\$(date +%T))"
time scripts/test.sh $pyargs
echo "==== .ci/run (\$(date +%T))"
time CI=true .ci/run $pyargs
echo "==== done (\$(date +%T))"
EOF
echo "fresh Debian check in $run (log: $log)"
# pivot_root in a mount namespace of its own, not chroot: a chrooted process may not create user
# namespaces, and the no-network tests (unshare -rn) need them, as on a real machine.
unshare --mount --fork /bin/sh -c '
  set -e
  mount --make-rprivate /
  mount --rbind "$1" "$1"
  cd "$1"
  mkdir -p .oldroot
  pivot_root . .oldroot
  umount -l /.oldroot
  rmdir /.oldroot
  exec /usr/bin/env -i /bin/bash /root/check.sh' sh "$run" > "$log" 2>&1 && rc=0 || rc=$?
grep -E "^====|passed|failed|error" "$log" | tail -20
echo "exit $rc; full log: $log"
exit $rc
