#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter. Mesa 3.5 needs 3.12, and the
# default python3 on these machines is 3.11, so look beyond PATH (pyenv, /usr/bin).
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for cand in "${PYTHON:-}" python3.12 python3.13 python3 \
    "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
    /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do
    [ -n "$cand" ] || continue
    path=$(command -v "$cand" 2>/dev/null) || continue
    if ok "$path"; then echo "$path"; exit 0; fi
done
echo "find-python: no Python >= 3.12 found (tried PATH, pyenv, /usr/bin); install one or set PYTHON=" >&2
exit 1
