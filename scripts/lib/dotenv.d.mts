// Types of scripts/lib/dotenv.mjs (plain JavaScript, loaded by scripts/serve.mjs as it is).

/**
 * Loads `file` (default `.env` in the working directory) into process.env without overriding it; a
 * leading BOM is dropped. Each variable it sets whose unquoted value Node cut at a `#` that follows no
 * whitespace goes to `warn` (default: a `warning: …` line on stderr) as a sentence led by its name and
 * naming the line, never the value.
 */
export function loadDotEnv(options?: { file?: string; warn?: (message: string) => void }): void;
