/**
Copying to the system clipboard through the terminal: OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`), which
xterm, iTerm2, kitty, WezTerm, Windows Terminal and others honour, over SSH too, since it travels
with the screen's output. Inside tmux the sequence is wrapped in tmux's passthrough
(`ESC P tmux; … ESC \`, each ESC inside doubled) so that it reaches the terminal tmux runs in
(tmux 3.3 and later need `set -g allow-passthrough on`; with `set-clipboard on` tmux also keeps a
buffer of it).
*/

/** The sequence that puts `text` on the clipboard, for the terminal described by `env`. */
export function osc52(text: string, env: NodeJS.ProcessEnv): string {
	const sequence = `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
	if (env.TMUX === undefined || env.TMUX === '') {
		return sequence;
	}

	return `\u001BPtmux;${sequence.replaceAll('\u001B', '\u001B\u001B')}\u001B\\`;
}
