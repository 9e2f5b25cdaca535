// Types of vsix-contents.mjs.
/** Names of the entries in a zip file. */
export declare function listZip(zipPath: string): string[];
/** Problems with a .vsix file list (empty when it ships exactly what runs). */
export declare function vsixProblems(names: string[]): string[];
