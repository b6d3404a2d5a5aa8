/**
Split a command line the way Python's `shlex.split` does in POSIX mode (Circus splits `cmd` and
`args` with it): whitespace separates words, single quotes keep everything literally, double
quotes keep everything but `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes escapes the
next character. An unclosed quote is an error.
*/
export function shlexSplit(line: string): string[] {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quote: '"' | "'" | undefined;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quote === "'") {
			if (char === "'") {
				quote = undefined;
			} else {
				word += char;
			}
		} else if (quote === '"') {
			if (char === '"') {
				quote = undefined;
			} else if (char === '\\' && index + 1 < line.length && '"\\$`\n'.includes(line[index + 1]!)) {
				index++;
				word += line[index]!;
			} else {
				word += char;
			}
		} else if (char === "'" || char === '"') {
			quote = char;
			inWord = true;
		} else if (char === '\\') {
			index++;
			if (index < line.length && line[index] !== '\n') {
				word += line[index]!;
			}

			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) {
				words.push(word);
				word = '';
				inWord = false;
			}
		} else {
			word += char;
			inWord = true;
		}
	}

	if (quote !== undefined) {
		throw new Error(`unclosed ${quote === '"' ? 'double' : 'single'} quote`);
	}

	if (inWord) {
		words.push(word);
	}

	return words;
}

/**
`word` as one word for a POSIX shell and for `shlexSplit`, which give it back exactly: bare when it
holds only safe characters, else in single quotes (a single quote as `'\''`; the empty word `''`).
For `add`'s list of `args` (kept as one line), a Procfile's lines and the command ssh runs.
*/
export function shlexQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
