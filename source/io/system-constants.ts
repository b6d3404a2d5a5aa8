import {execFileSync} from 'node:child_process';

/** Kernel constants that /proc figures are counted in. */
type SystemConstants = {
	/** Clock ticks per second (`CLK_TCK`), the unit of CPU times in /proc/PID/stat. */
	readonly clockTicks: number;
	/** Bytes per page (`PAGESIZE`), the unit of /proc/PID/statm. */
	readonly pageSize: number;
};

/** Linux's values on every common architecture, used when `getconf` is missing. */
const FALLBACK: SystemConstants = {clockTicks: 100, pageSize: 4096};

let constants: SystemConstants | undefined;

function getconf(name: string, fallback: number): number {
	try {
		const output = execFileSync('getconf', [name], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000});
		const value = Number(output.trim());
		return Number.isSafeInteger(value) && value > 0 ? value : fallback;
	} catch {
		return fallback;
	}
}

/** `CLK_TCK` and `PAGESIZE` from `getconf`, asked once per process (Node has no sysconf). */
export function systemConstants(): SystemConstants {
	constants ??= {
		clockTicks: getconf('CLK_TCK', FALLBACK.clockTicks),
		pageSize: getconf('PAGESIZE', FALLBACK.pageSize),
	};
	return constants;
}
