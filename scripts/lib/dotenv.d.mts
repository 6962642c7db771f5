// Types of scripts/lib/dotenv.mjs (plain JavaScript, loaded by scripts/serve.mjs as it is).

/** Loads `file` (default `.env` in the working directory) into process.env without overriding it; a leading BOM is dropped. */
export function loadDotEnv(file?: string): void;
