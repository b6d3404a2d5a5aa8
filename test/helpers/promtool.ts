import childProcess from 'node:child_process';
import fs from 'node:fs';

/**
`promtool` from Debian's `prometheus` package: `$PROMTOOL`, else the one on the PATH. CI may take
the binary alone out of the package (`apt-get download prometheus && dpkg-deb -x`), which needs no
daemon. The metrics tests fail rather than skip without it.
*/
export function promtool(): string {
	const configured = process.env.PROMTOOL;
	if (configured !== undefined && configured !== '') {
		if (!fs.existsSync(configured)) {
			throw new Error(`PROMTOOL is ${configured}, which does not exist`);
		}

		return configured;
	}

	const found = childProcess.spawnSync('sh', ['-c', 'command -v promtool'], {encoding: 'utf8'}).stdout.trim();
	if (found === '') {
		throw new Error('promtool is not installed: apt-get install -y --no-install-recommends prometheus, or set PROMTOOL to the binary');
	}

	return found;
}

/** `promtool check metrics` on `text`: its output (empty when clean) and exit status. */
export function checkMetrics(text: string): {output: string; status: number | null} {
	const check = childProcess.spawnSync(promtool(), ['check', 'metrics'], {input: text, encoding: 'utf8'});
	return {output: `${check.stdout}${check.stderr}`.trim(), status: check.status};
}
