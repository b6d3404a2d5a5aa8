import fs from 'node:fs';

/** Rename `from` to `to`, replacing `to`; a missing `from` is not an error (nothing to rotate). */
export function renameIfExists(from: string, to: string): void {
	try {
		fs.renameSync(from, to);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
	}
}
