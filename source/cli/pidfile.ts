import fs from 'node:fs';

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Write our pid; refuse when the file names a process that is still alive. */
export function writePidfile(file: string): void {
	try {
		const existing = Number(fs.readFileSync(file, 'utf8').trim());
		if (Number.isInteger(existing) && existing > 0 && existing !== process.pid && alive(existing)) {
			throw new Error(`pidfile ${file} names process ${existing}, which is running: is procui already running? Stop it, or remove the file`);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
	}

	fs.writeFileSync(file, `${process.pid}\n`);
}

/** Remove the pidfile if it is still ours. */
export function removePidfile(file: string): void {
	try {
		if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) {
			fs.unlinkSync(file);
		}
	} catch {
		// Gone already.
	}
}
