/**
Python's `fnmatch.translate`: `*` any run of characters, `?` one character, `[abc]` / `[a-z]` /
`[!abc]` a set; everything else literal. Used for `[env:web*]` patterns and include globs.
*/
export function fnmatchToRegExp(pattern: string): RegExp {
	let source = '';
	for (let index = 0; index < pattern.length; index++) {
		const char = pattern[index]!;
		if (char === '*') {
			source += '.*';
		} else if (char === '?') {
			source += '.';
		} else if (char === '[') {
			const close = findSetEnd(pattern, index);
			if (close === -1) {
				source += '\\[';
			} else {
				let set = pattern.slice(index + 1, close);
				const negated = set.startsWith('!');
				if (negated) {
					set = set.slice(1);
				}

				source += `[${negated ? '^' : ''}${set.replaceAll('\\', '\\\\').replaceAll(']', '\\]').replace(/^\^/, '\\^')}]`;
				index = close;
			}
		} else {
			source += char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
		}
	}

	return new RegExp(`^${source}$`, 's');
}

/** True when the pattern has a wildcard (Python's `glob.has_magic`). */
export function hasMagic(pattern: string): boolean {
	return /[*?[]/.test(pattern);
}

/** Whether `name` matches the fnmatch `pattern`. */
export function fnmatch(name: string, pattern: string): boolean {
	return fnmatchToRegExp(pattern).test(name);
}

/** The index of the `]` closing a set opened at `open`, as Python finds it; -1 when unclosed. */
function findSetEnd(pattern: string, open: number): number {
	let index = open + 1;
	if (pattern[index] === '!') {
		index++;
	}

	if (pattern[index] === ']') {
		index++;
	}

	const close = pattern.indexOf(']', index);
	return close;
}
