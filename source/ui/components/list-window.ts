/** Which slice of a list to show in `visible` rows so that `selected` is on screen, near the middle when it can be. */
export function listWindow(length: number, selected: number, visible: number): {start: number; end: number} {
	if (length <= visible) {
		return {start: 0, end: length};
	}

	const start = Math.min(Math.max(0, selected - Math.floor(visible / 2)), length - visible);
	return {start, end: start + visible};
}
