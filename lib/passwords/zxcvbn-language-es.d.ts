// The word lists of @zxcvbn-ts/language-es-es, one module each (dist/commonWords.json.mjs,
// firstnames.json.mjs, lastnames.json.mjs…): the package types only its index, which builds every list.
// Each module's default export is its words, lowercase, the most frequent first.
declare module '@zxcvbn-ts/language-es-es/dist/*.json.mjs' {
  const words: string[];
  export default words;
}
