#!/usr/bin/env bash
# make-dist.sh OUTPUT.tar.gz PREFIX [EXTRA-FILE...]
#
# The source tarball (the CMake target `dist`): `git archive` of the work tree as git sees it
# (tracked and new files, .gitignore respected, uncommitted changes included; the real index is
# not touched), or of $CHECK_MAIL_DIST_REF (a commit or tag, e.g. CHECK_MAIL_DIST_REF=v0.1.0)
# when set. Every file lands under PREFIX/; the EXTRA-FILEs (the configured RPM spec) at its top,
# so that `rpmbuild -ta` works on the tarball.
set -euo pipefail

die() { echo "make-dist: error: $*" >&2; exit 1; }
[[ $# -ge 2 ]] || die "usage: $0 OUTPUT.tar.gz PREFIX [EXTRA-FILE...]"
out=$1 prefix=$2
shift 2
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
extra=()
for file in "$@"; do
  [[ -f "$file" ]] || die "no such file: $file"
  case "$file" in /*) extra+=("--add-file=$file") ;; *) extra+=("--add-file=$PWD/$file") ;; esac
done

top=$(git rev-parse --show-toplevel 2>/dev/null) || die "not in a git work tree: the tarball is made with git archive"
cd "$top"

if [[ -n "${CHECK_MAIL_DIST_REF:-}" ]]; then
  tree=$(git rev-parse --verify "${CHECK_MAIL_DIST_REF}^{tree}") || die "unknown ref ${CHECK_MAIL_DIST_REF}"
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  index=$(git rev-parse --git-path index)
  [[ -f "$index" ]] && cp "$index" "$tmp/index"
  GIT_INDEX_FILE=$tmp/index git add -A
  tree=$(GIT_INDEX_FILE=$tmp/index git write-tree)
fi

mkdir -p "$(dirname "$out")"
git archive --format=tar --prefix="$prefix/" "${extra[@]}" "$tree" | gzip -9n >"$out.part"
mv "$out.part" "$out"
echo "make-dist: $out ($(tar -tzf "$out" | wc -l) entries, tree ${tree:0:12})" >&2
