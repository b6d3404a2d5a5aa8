#!/bin/sh
# The bench's peers, so that W1–W4 also measure them (as extra columns): supervisord and
# supervisorctl from Debian's supervisor package, and PM2 from the npm registry into a folder of its
# own (default ~/.cache/procui-bench/pm2, or the first argument). The bench itself never installs
# anything and needs no network. Installing supervisor must not leave its system service running:
# no service starts during the install (policy-rc.d), and afterwards the service is disabled (and
# under systemd stopped). An install found already there is left as it is. Uses sudo when not root.
set -eu
pm2_dir="${1:-${HOME}/.cache/procui-bench/pm2}"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"

if command -v supervisord >/dev/null 2>&1 && command -v supervisorctl >/dev/null 2>&1; then
	# Installed before: its service, if any, is the machine owner's business.
	echo "supervisord: already installed ($(command -v supervisord))"
else
	echo "supervisord: installing Debian's supervisor package"
	DEBIAN_FRONTEND=noninteractive $as_root apt-get update -qq
	guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $as_root tee /usr/sbin/policy-rc.d >/dev/null
		$as_root chmod 755 /usr/sbin/policy-rc.d
		guard="yes"
	fi

	DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends supervisor >/dev/null
	[ -z "$guard" ] || $as_root rm -f /usr/sbin/policy-rc.d
	# The bench runs its own supervisord on a generated config; the system's would only add noise,
	# and must not come up at the next boot either.
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
		$as_root systemctl disable --now supervisor >/dev/null 2>&1 || true
	elif command -v update-rc.d >/dev/null 2>&1; then
		$as_root update-rc.d supervisor disable >/dev/null 2>&1 || true
	fi
fi

pm2="$pm2_dir/node_modules/.bin/pm2"
if [ -x "$pm2" ]; then
	echo "pm2: already installed ($pm2)"
else
	echo "pm2: installing from the npm registry into $pm2_dir"
	mkdir -p "$pm2_dir"
	npm install --silent --no-audit --no-fund --prefix "$pm2_dir" pm2 >/dev/null
fi

# Not `pm2 --version`: any pm2 command starts a PM2 daemon in ~/.pm2.
echo "pm2 $(node -p "require('$pm2_dir/node_modules/pm2/package.json').version"), supervisord $(supervisord --version)"
echo "Then, for the bench:"
echo "  export PROCUI_BENCH_PM2=$pm2"
