/** Types of record.mjs (a plain module, so that the tests' child processes load it with `node --import`). */
export function recordWrite(file: string, bytes?: Uint8Array): void;
export function recordWrites(NWBIOBase: { prototype: { close(): Promise<void> } }): void;
export function exemptFromOracle(file: string, expected: { read?: string; validate?: string; inspect?: string }): void;
