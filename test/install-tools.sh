#!/bin/sh
# The system tools some tests drive, from Debian's packages: systemd-analyze (exported units are
# verified with it), zsh and fish (shell completions run in them), sshd and the ssh client (ssh://
# endpoints are tested against a real sshd), promtool (the metrics page is checked with it).
# Installs only what is missing; uses sudo when not root.
set -eu
needed=""
command -v systemd-analyze >/dev/null 2>&1 || needed="$needed systemd"
command -v zsh >/dev/null 2>&1 || needed="$needed zsh"
command -v fish >/dev/null 2>&1 || needed="$needed fish"
command -v ssh-keygen >/dev/null 2>&1 || needed="$needed openssh-client"
[ -x /usr/sbin/sshd ] || needed="$needed openssh-server"
promtool=""
command -v promtool >/dev/null 2>&1 || promtool="yes"
[ -z "$needed" ] && [ -z "$promtool" ] && exit 0
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
echo "installing for the tests:$needed${promtool:+ promtool}"
DEBIAN_FRONTEND=noninteractive $as_root apt-get update -qq
if [ -n "$needed" ]; then
	# No service may start while installing: openssh-server's would listen on port 22.
	guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $as_root tee /usr/sbin/policy-rc.d >/dev/null
		$as_root chmod 755 /usr/sbin/policy-rc.d
		guard="yes"
	fi

	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $needed >/dev/null
	[ -z "$guard" ] || $as_root rm -f /usr/sbin/policy-rc.d
fi

if [ -n "$promtool" ]; then
	# promtool alone, taken out of Debian's prometheus package: installing the package would add a
	# Prometheus server (a service) and eleven JavaScript packages the tests do not need.
	work="$(mktemp -d)"
	(cd "$work" && apt-get download -qq prometheus)
	dpkg-deb --fsys-tarfile "$work"/prometheus_*.deb | tar -xO ./usr/bin/promtool >"$work/promtool"
	$as_root install -m 755 "$work/promtool" /usr/local/bin/promtool
	rm -rf "$work"
fi
