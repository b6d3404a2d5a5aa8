#!/bin/sh
# The system tools some tests drive, from Debian's packages: systemd-analyze (exported units are
# verified with it), zsh and fish (shell completions run in them). Installs only what is missing;
# uses sudo when not root.
set -eu
needed=""
command -v systemd-analyze >/dev/null 2>&1 || needed="$needed systemd"
command -v zsh >/dev/null 2>&1 || needed="$needed zsh"
command -v fish >/dev/null 2>&1 || needed="$needed fish"
[ -z "$needed" ] && exit 0
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
echo "installing for the tests:$needed"
DEBIAN_FRONTEND=noninteractive $as_root apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $needed >/dev/null
