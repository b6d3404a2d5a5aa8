import fs from 'node:fs';
import path from 'node:path';
import {fnmatchToRegExp, hasMagic} from './fnmatch.js';

/**
Python's `glob.glob` for an absolute pattern, as Circus uses it for `include`: wildcards work
within one path segment (`**` is just `*`), a wildcard does not match a leading dot, and only
existing files are returned. The result is sorted (Python returns directory order), so that
includes are read in a stable order.
*/
export function globFiles(pattern: string): string[] {
	const absolute = path.resolve(pattern);
	const {root} = path.parse(absolute);
	const segments = absolute.slice(root.length).split(path.sep).filter(segment => segment !== '');
	let candidates = [root];
	for (const segment of segments) {
		const next: string[] = [];
		for (const directory of candidates) {
			if (!hasMagic(segment)) {
				next.push(path.join(directory, segment));
				continue;
			}

			const matcher = fnmatchToRegExp(segment);
			for (const name of readDirectory(directory)) {
				if (matcher.test(name) && (!name.startsWith('.') || segment.startsWith('.'))) {
					next.push(path.join(directory, name));
				}
			}
		}

		candidates = next;
	}

	return candidates.filter(candidate => isFile(candidate)).sort();
}

function readDirectory(directory: string): string[] {
	try {
		return fs.readdirSync(directory);
	} catch {
		return [];
	}
}

function isFile(file: string): boolean {
	try {
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}
