#!/usr/bin/env bash
# Run every benchmark, one after the other (never in parallel: the target machine has 2 cores).
#
#   bench/run_all.sh [DEVDATA] [PDF]
#
# DEVDATA defaults to ../shared/devdata (relative to the project root). PDF defaults to the
# gnuplot manual from Debian's gnuplot-doc package, fetched once into the cache folder below
# (needs `apt-get update` to have run once). Prints the load average before each benchmark:
# other work on the machine skews timings (ratios against the peer measured in the same run
# much less so).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DEVDATA=${1:-../shared/devdata}
PDF=${2:-}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/field-assistant-bench

if [ -z "$PDF" ]; then
  PDF=$CACHE/gnuplot-doc/usr/share/doc/gnuplot/gnuplot.pdf
  if [ ! -f "$PDF" ]; then
    echo "==> fetching gnuplot-doc (the 311-page gnuplot manual) into $CACHE"
    mkdir -p "$CACHE"
    if ! (cd "$CACHE" && apt-get download gnuplot-doc && dpkg-deb -x gnuplot-doc_*.deb gnuplot-doc); then
      echo "could not fetch gnuplot-doc; pass a large PDF as the second argument" >&2
      PDF=""
    fi
  fi
fi

step() {
  echo
  echo "==> $1    [$(uptime | sed 's/.*load average/load average/')]"
}

step "retrieval quality"
$PY bench/retrieval_quality.py "$DEVDATA"

if [ -n "$PDF" ]; then
  step "ingest throughput"
  $PY bench/ingest_throughput.py "$PDF"
fi

step "search latency"
$PY bench/search_latency.py "$DEVDATA" --cache "$CACHE"

step "ask speed"
$PY bench/ask_speed.py "$DEVDATA"

step "speech: WER and real-time factor vs faster-whisper defaults"
$PY bench/stt_wer.py "$DEVDATA"

step "speech: domain vocabulary bias"
$PY bench/stt_bias.py

step "speech: key release -> transcript -> first answer token (core)"
$PY bench/stt_latency.py

step "push-to-talk in the app (offscreen Qt)"
QT_QPA_PLATFORM=offscreen $PY bench/voice_gui_bench.py

step "wake word: false accepts per hour, detection, CPU while listening"
$PY bench/wake_word.py --devdata "$DEVDATA"
step "procedure mode by voice: speech end -> next step painted (offscreen Qt)"
QT_QPA_PLATFORM=offscreen $PY bench/procedure_voice.py

step "sync throughput vs PouchDB"
$PY bench/sync_throughput.py
