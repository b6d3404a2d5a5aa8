/** Circus's human formats for process statistics (`mem_info1`, `ctime`). */

const SYMBOLS = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/**
Bytes as Circus's `bytes2human` writes them: binary units, the value cut (not rounded)
to two decimals, Python's float text (`1.46M`, `2.0M`), and plain bytes below 1 KiB (`512B`).
*/
export function formatBytes(bytes: number): string {
	for (let i = SYMBOLS.length - 1; i >= 0; i--) {
		const unit = 2 ** ((i + 1) * 10);
		if (bytes >= unit) {
			const value = Math.floor((bytes / unit) * 100) / 100;
			return `${Number.isInteger(value) ? value.toFixed(1) : String(value)}${SYMBOLS[i]!}`;
		}
	}

	return `${Math.floor(bytes)}B`;
}

/**
CPU time as `minutes:seconds.hundredths` (`0:00.00`, `12:05.37`), the shape of Circus's
`ctime`. Circus prints the first two digits of the microseconds without padding (0.05 s
shows as `.50`, zero as `.0`) and drops whole hours; here the hundredths are padded and
the minutes keep counting.
*/
export function formatCpuTime(seconds: number): string {
	// The epsilon keeps 0.29 s (29 ticks / 100) from flooring to 28 hundredths.
	const hundredths = Math.floor(Math.max(0, seconds) * 100 + 1e-6);
	const minutes = Math.floor(hundredths / 6000);
	const wholeSeconds = Math.floor(hundredths / 100) % 60;
	return `${minutes}:${String(wholeSeconds).padStart(2, '0')}.${String(hundredths % 100).padStart(2, '0')}`;
}
